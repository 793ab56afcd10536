"""Reports › for managers and auditors: the regulator's measures, the weekly complaints pack and
spot checks. Each dialog calls the services off the UI thread and opens cases by ``sig_open_case``."""
