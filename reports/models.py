"""Monitoring reports (semi-annual and annual PDFs) are built in this app."""
