"""coproduce's tests (a package, so that "tests" here wins over any dependency's stray one)."""
