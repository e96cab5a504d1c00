"""coproduce's Prefect flows, one per file, shipped as package data (coproduce._flows)."""
