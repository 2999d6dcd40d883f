"""Video-guided help for the caller: a video session per call and telephone-CPR guidance."""
