"""Target groups of services and persons: the legal categories (L. 381/1991
art. 4, L. 68/1999) and the groups the seeds work with."""

TARGET_GROUPS = [
    ("disadvantaged_381", "Persone svantaggiate (L. 381/1991 art. 4)", "Disadvantaged persons (Law 381/1991 art. 4)"),
    ("protected_68", "Categorie protette (L. 68/1999)", "Protected categories (Law 68/1999)"),
    ("exploitation_victim", "Vittime o potenziali vittime di sfruttamento lavorativo",
     "Victims or potential victims of labour exploitation"),
    ("trafficking_victim", "Vittime di tratta", "Victims of trafficking"),
    ("migrant", "Migranti", "Migrants"),
    ("asylum_seeker", "Richiedenti e titolari di protezione internazionale",
     "Asylum seekers and beneficiaries of international protection"),
    ("ex_detainee", "Persone detenute, ex detenute o in misura alternativa",
     "Prisoners, former prisoners or persons under alternative measures"),
    ("addiction", "Persone con dipendenze", "Persons with addictions"),
    ("disability", "Persone con disabilità", "Persons with disabilities"),
    ("homeless", "Persone senza dimora", "Homeless persons"),
    ("women", "Donne", "Women"),
    ("young_neet", "Giovani NEET", "Young people not in employment, education or training"),
    ("long_term_unemployed", "Disoccupati di lunga durata", "Long-term unemployed"),
]
