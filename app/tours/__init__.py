"""Guided tours: tour files as data (schema, files), their links on the pages, expect."""
