"""Application shell: settings, command line, model training and the local process runner."""
