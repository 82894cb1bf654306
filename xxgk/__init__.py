"""The interfaces on top of the library (`pipeline/`) and the orchestration (`assets/`): the `xxgk`
command."""
