"""Analyses over study layers (intensity, overlap, consolidation): they compute, never draw or write."""
