"""The pure core: domain rules, config, the message catalogue and errors. Imports nothing of ours."""
