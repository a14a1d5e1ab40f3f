"""Case intake: a customer's request from first contact to a closed, reviewed, satisfaction-checked case
(REQUIREMENTS.md §1; regulations 001 §3.1, 003 business processing flow, 004 §3.1)."""
