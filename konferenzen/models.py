# Veranstaltungen, Einladungen und Anmeldungen follow with the Konferenzen capability.
