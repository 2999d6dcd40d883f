"""Live video between the scene, the ambulance, the dispatcher and hospital experts, behind one port."""
