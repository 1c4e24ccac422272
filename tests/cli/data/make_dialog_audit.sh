#!/bin/sh
# Makes dialog_audit.csv (UTF-8 with a BOM) and dialog_audit_1252.csv (the same in
# Windows-1252, as Excel's "CSV (séparateur : point-virgule)" saves it): a synthetic
# mystery-contact audit of 520 merchant web sites, a 2026 repeat of the "Open to Dialog"
# barometer, as a trade association's team fills it in a French-locale spreadsheet:
# ';' delimiter, decimal comma, CRLF, French Oui/Non, dates dd/mm/yyyy. The unit is a
# site. Sampled by sector (8 strata) from a known population of sites per sector
# (N_secteur, the fpc; no weight column: N/n each); top100 (Oui/Non) marks the sampled
# sites among the 100 with the most traffic, a segment overlapping all sites. Channels:
# tel_affiche phone shown, tel_surtaxe premium-rate and tel_repondu answered within three
# calls (blank where no phone is shown), email_affiche e-mail address shown,
# email_24h / email_repondu answered within 24 h / at all (blank where no address),
# delai_h the reply time in hours (decimal comma, "n/a" where no reply came, blank where
# no e-mail was sent), formulaire web form, chat, reseaux social networks answering as a
# list in one cell ("Facebook, Instagram"), qualite the auditor's 1-5 mark of the reply
# (blank where none), remarques free text (';' and line breaks inside quotes). Under the
# sites: two blank rows of delimiters, a TOTAL row someone left with counts, and one more
# blank row. A fixed generator (Park-Miller), so the files are the same on every machine:
# sh make_dialog_audit.sh
set -eu
cd "$(dirname "$0")"
awk 'BEGIN {
    x = 20260311
    printf "\357\273\277id_site;site;secteur;N_secteur;top100;date_audit;tel_affiche;tel_surtaxe;tel_repondu;"
    printf "email_affiche;email_24h;email_repondu;delai_h;formulaire;chat;reseaux;qualite;remarques\r\n"
    split("Mode & accessoires|High-tech & électroménager|Maison & déco|Beauté & santé|" \
          "Voyage & loisirs|Alimentation & boissons|Culture & jeux|Sport & plein air", sec, "|")
    split("2400|1300|1600|1100|700|900|800|600", pop, "|")
    split("90|70|70|60|60|50|50|70", ns, "|")
    # sector effects on the phone, e-mail and chat rates (percentage points)
    split("-8|5|0|-4|12|-10|2|6", eff, "|")
    split("Facebook|Instagram|X|LinkedIn|TikTok", soc, "|")
    split("Standard saturé; rappel promis|Réponse type, sans personnalisation|Répondeur hors horaires|" \
          "Très bon accueil, « conseiller » aimable|Formulaire en erreur (captcha)|Numéro surtaxé 0,35 €/min|" \
          "Mail renvoyé vers la FAQ||||||", rem, "|")
    id = 0; tot_pop = 0; tot_phone = 0; tot_mail = 0
    for (s = 1; s <= 8; s++) {
        tot_pop += pop[s]
        for (k = 1; k <= ns[s]; k++) {
            id++
            e = eff[s]
            top = (r(100) < 17 + e / 2) ? "Oui" : "Non"
            tb = (top == "Oui") ? 10 : 0
            phone = r(100) < 68 + e + tb
            tot_phone += phone
            prem = phone ? (r(100) < 30 - tb ? "Oui" : "Non") : ""
            ans = phone ? (r(100) < 45 + e + tb ? "Oui" : "Non") : ""
            mail = r(100) < 78 - e / 2 + tb
            tot_mail += mail
            if (mail) {
                any = r(100) < 80 + tb
                if (any) {
                    h = exp((r(1000) / 1000) * 5.2 - 1.2)      # 0.3 h to 54 h
                    if (r(100) < 8) h = 48 + r(120)            # a few slow ones, up to a week
                    d24 = h <= 24 ? "Oui" : "Non"
                    del = sprintf("%.1f", h); sub(/\./, ",", del)
                    q = 1 + r(5); if (h < 4 && q < 5) q++
                } else { d24 = "Non"; del = "n/a"; q = "" }
                m24 = d24; many = any ? "Oui" : "Non"
            } else { m24 = ""; many = ""; del = ""; q = "" }
            form = r(100) < 84 ? "Oui" : "Non"
            chat = r(100) < 38 + e + 2 * tb ? "Oui" : "Non"
            net = ""
            for (j = 1; j <= 5; j++)
                if (r(100) < 40 - 6 * j + tb) net = net (net == "" ? "" : ", ") soc[j]
            day = 2 + r(26)
            date = sprintf("%02d/%02d/2026", day, 2 + (id % 2))
            rm = rem[1 + r(13)]
            if (index(rm, ";") || index(rm, "\""))
                rm = "\"" rm "\""
            if (id == 77) rm = "\"Chat fermé le week-end.\r\nRéessayé lundi : OK\""
            name = sprintf("boutique-%03d.fr", id)
            printf "%d;%s;%s;%d;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s\r\n", \
                id, name, sec[s], pop[s], top, date, phone ? "Oui" : "Non", prem, ans, \
                mail ? "Oui" : "Non", m24, many, del, form, chat, net, q, rm
        }
    }
    printf ";;;;;;;;;;;;;;;;;\r\n;;;;;;;;;;;;;;;;;\r\n"
    printf ";TOTAL;;%d;;;%d;;;%d;;;;;;;;\r\n", tot_pop, tot_phone, tot_mail
    printf ";;;;;;;;;;;;;;;;;\r\n"
}
function r(n) { x = (x * 16807) % 2147483647; return int(x / 2147483647 * n) }' >dialog_audit.csv
# Excel's non-UTF-8 CSV: Windows-1252, no BOM (the euro sign is 0x80 there)
tail -c +4 dialog_audit.csv | iconv -f UTF-8 -t WINDOWS-1252 >dialog_audit_1252.csv
