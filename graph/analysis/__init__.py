"""Network analysis with networkx: who is central, who connects groups, who is left out.

- ``projection``: one municipality's actors, networks and measures read from a store, and the
  membership graph and actor graph made from them (the viewer's diagram is drawn from the
  same read);
- ``measures``: plain functions over any networkx graph (centralities, communities, brokers,
  isolated nodes);
- ``reach``: which action fields the MSOs reach;
- ``report``: all of it for one municipality, as `ikg analyse` prints it.
"""

from graph.analysis.projection import actor_graph, membership_graph, read_network
from graph.analysis.report import Analysis, analyse

__all__ = ["Analysis", "actor_graph", "analyse", "membership_graph", "read_network"]
