"""The command line: thin commands that parse, call a service, and print."""
