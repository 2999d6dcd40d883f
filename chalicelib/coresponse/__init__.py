"""Co-response: fire, police and red cross responders working an incident alongside the ambulance."""
