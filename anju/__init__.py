"""Anju (安居): complaint handling for property-management companies."""
