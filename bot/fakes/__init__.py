"""Loopback fakes of the platforms the channels talk to, for tests and for local runs without
credentials: real HTTP servers on 127.0.0.1 that record what they receive and can be told to
answer with errors or slowly. Nothing here is imported by production code."""
