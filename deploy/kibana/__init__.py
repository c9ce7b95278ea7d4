"""Kibana saved objects and alerting rules for Faultline, their generator, checker and importer."""
