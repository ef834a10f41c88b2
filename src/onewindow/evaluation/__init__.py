"""好差评: ratings of service events, the bad-review rectification loop and its indicators."""
