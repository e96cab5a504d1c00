"""Sample guidance the demo and ``coproduce init --sample`` use, shipped as coproduce._guidance."""
