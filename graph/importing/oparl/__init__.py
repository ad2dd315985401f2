"""`ikg import oparl`: a municipality's council information system (OParl 1.0 and 1.1) read
into source files: crawl.py reads the server (client.py: one polite GET at a time), plan.py
turns what was read into records and writes them, state.py remembers when the last import
ran, command.py is the click command around them."""
