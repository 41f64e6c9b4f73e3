"""Self-service unemployment / job-seeking registration (失业登记 / 求职登记): the real-name
ledger shared by the actions, the scheduler and the staff console.

Modules: ``idcard`` and ``phone`` (validation), ``crypto`` (ID encryption and keyed hash),
``models`` (tables), ``db`` (engine factory and migrations), ``store`` (the data-access class).
"""
