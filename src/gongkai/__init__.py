"""gongkai (公开): read, check, sum up and write annual reports on government information disclosure."""

__version__ = "0.1.0"
