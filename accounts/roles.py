"""The names of the staff groups; what each may do is one table, ebok/staff_roles.py."""

BOK = "BOK"
ACCOUNTING = "Księgowość"
