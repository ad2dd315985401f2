"""`ikg`, the console script: the library's commands (graph/cli.py) and `ikg serve`
(webapp/serve.py), which graph/ cannot hold, as it never imports the web app."""

from __future__ import annotations

from graph.cli import main as library_commands
from webapp.serve import serve

main = library_commands.with_commands(serve)

if __name__ == "__main__":
    main()
