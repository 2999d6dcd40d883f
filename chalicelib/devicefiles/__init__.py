"""Device files: 12-lead ECGs and ultrasound captures an ambulance uploads for its incident."""
