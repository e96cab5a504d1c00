"""Built-in templates and the Word reference file, shipped as coproduce._templates."""
