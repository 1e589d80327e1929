"""The demo knowledge base: what City staff really ask i-CITY's helpdesk, in FR, NL and EN.

Each entry: key, ticket category (French name, or ""), audience, tags, and per
language (title, summary, Markdown body). The search-quality test uses the keys.
"""

from .demo_articles_more import MORE_ARTICLES

ARTICLES = [
    {
        "key": "telework-pack",
        "category": "PC ou portable en panne",
        "audience": "staff",
        "tags": ["telework", "pack"],
        "fr": (
            "Installer votre pack télétravail",
            "Brancher le portable, la station d'accueil, le casque et la webcam du pack télétravail.",
            "## Contenu du pack\n\nPortable, station d'accueil, casque, webcam, souris, clavier et sac.\n\n"
            "## Installation\n\n1. Branchez la station d'accueil sur le secteur puis sur le portable (câble USB-C).\n"
            "2. Raccordez l'écran, le clavier et la souris à la station.\n"
            "3. Branchez le casque sur un port USB de la station : il est reconnu automatiquement.\n"
            "4. Ouvrez Teams, *Paramètres > Périphériques*, et choisissez le casque et la webcam.\n",
        ),
        "nl": (
            "Uw telewerkpakket installeren",
            "De laptop, het dockingstation, de headset en de webcam van het telewerkpakket aansluiten.",
            "## Inhoud van het pakket\n\nLaptop, dockingstation, headset, webcam, muis, toetsenbord en tas.\n\n"
            "## Installatie\n\n1. Sluit het dockingstation aan op het stopcontact en dan op de laptop (USB-C-kabel).\n"
            "2. Sluit het scherm, het toetsenbord en de muis aan op het station.\n"
            "3. Steek de headset in een USB-poort van het station: hij wordt automatisch herkend.\n"
            "4. Open Teams, *Instellingen > Apparaten*, en kies de headset en de webcam.\n",
        ),
        "en": (
            "Setting up your telework pack",
            "Connect the laptop, docking station, headset and webcam of the telework pack.",
            "## What is in the pack\n\nLaptop, docking station, headset, webcam, mouse, keyboard and bag.\n\n"
            "## Set-up\n\n1. Plug the docking station into the mains, then into the laptop (USB-C cable).\n"
            "2. Connect the screen, keyboard and mouse to the dock.\n"
            "3. Plug the headset into a USB port of the dock: it is recognised automatically.\n"
            "4. Open Teams, *Settings > Devices*, and choose the headset and the webcam.\n",
        ),
    },
    {
        "key": "headset",
        "category": "PC ou portable en panne",
        "audience": "staff",
        "tags": ["telework", "headset", "teams"],
        "fr": (
            "Le casque du pack télétravail ne fonctionne pas dans Teams",
            "Personne ne vous entend ou vous n'entendez rien : choisir le bon périphérique audio.",
            "1. Vérifiez que le casque est branché directement sur le portable ou la station.\n"
            "2. Dans Teams, cliquez sur *... > Paramètres > Périphériques* et choisissez **Jabra** comme "
            "haut-parleur et microphone.\n3. Le bouton du micro sur le câble doit être éteint (pas de lumière rouge).\n"
            "4. Faites un appel de test depuis la même page.\n",
        ),
        "nl": (
            "De headset van het telewerkpakket werkt niet in Teams",
            "Niemand hoort u of u hoort niets: het juiste audioapparaat kiezen.",
            "1. Controleer dat de headset rechtstreeks op de laptop of het station is aangesloten.\n"
            "2. Klik in Teams op *... > Instellingen > Apparaten* en kies **Jabra** als luidspreker en microfoon.\n"
            "3. De microfoonknop op de kabel moet uit staan (geen rood lampje).\n"
            "4. Doe een testoproep vanaf dezelfde pagina.\n",
        ),
        "en": (
            "The telework pack headset does not work in Teams",
            "Nobody hears you or you hear nothing: choose the right audio device.",
            "1. Check the headset is plugged straight into the laptop or the dock.\n"
            "2. In Teams, click *... > Settings > Devices* and choose **Jabra** as speaker and microphone.\n"
            "3. The mute button on the cable must be off (no red light).\n4. Make a test call from the same page.\n",
        ),
    },
    {
        "key": "vpn",
        "category": "Wifi et VPN",
        "audience": "staff",
        "tags": ["vpn", "telework", "network"],
        "fr": (
            "Se connecter au VPN de la Ville depuis chez soi",
            "Utiliser FortiClient pour accéder aux applications et dossiers de la Ville en télétravail.",
            "1. Connectez le portable à votre réseau wifi ou à votre box.\n"
            "2. Ouvrez **FortiClient VPN** (icône bouclier bleu).\n"
            "3. Choisissez la connexion *VPN Ville de Bruxelles* et saisissez votre identifiant Windows.\n"
            "4. Validez la notification sur votre téléphone (authentification à deux facteurs).\n\n"
            "Si la connexion échoue, redémarrez le portable et réessayez avant d'ouvrir un ticket.\n",
        ),
        "nl": (
            "Thuis verbinding maken met de VPN van de Stad",
            "FortiClient gebruiken om bij telewerk de toepassingen en mappen van de Stad te bereiken.",
            "1. Verbind de laptop met uw wifi of uw modem.\n2. Open **FortiClient VPN** (blauw schildpictogram).\n"
            "3. Kies de verbinding *VPN Stad Brussel* en geef uw Windows-gebruikersnaam in.\n"
            "4. Bevestig de melding op uw telefoon (tweestapsverificatie).\n\n"
            "Mislukt de verbinding, herstart dan de laptop en probeer opnieuw voor u een ticket opent.\n",
        ),
        "en": (
            "Connecting to the City VPN from home",
            "Use FortiClient to reach City applications and shared folders while teleworking.",
            "1. Connect the laptop to your home wifi or router.\n2. Open **FortiClient VPN** (blue shield icon).\n"
            "3. Choose the *City of Brussels VPN* connection and type your Windows user name.\n"
            "4. Approve the notification on your phone (two-factor authentication).\n\n"
            "If it fails, restart the laptop and try again before opening a ticket.\n",
        ),
    },
    {
        "key": "vpn-error",
        "category": "Wifi et VPN",
        "audience": "staff",
        "tags": ["vpn", "error"],
        "fr": (
            "Erreur VPN « Credential or SSLVPN configuration is wrong »",
            "Ce message apparaît quand le mot de passe a expiré ou que l'heure du portable est fausse.",
            "- Changez d'abord votre mot de passe Windows s'il a expiré (voir l'article sur le mot de passe).\n"
            "- Vérifiez que la date et l'heure du portable sont correctes.\n"
            "- Retapez l'identifiant sans le domaine : `prenom.nom`.\n",
        ),
        "nl": (
            "VPN-fout 'Credential or SSLVPN configuration is wrong'",
            "Deze melding verschijnt als het wachtwoord verlopen is of de klok van de laptop verkeerd staat.",
            "- Wijzig eerst uw Windows-wachtwoord als het verlopen is (zie het artikel over het wachtwoord).\n"
            "- Controleer of datum en uur van de laptop juist zijn.\n"
            "- Typ de gebruikersnaam zonder domein: `voornaam.naam`.\n",
        ),
        "en": (
            "VPN error 'Credential or SSLVPN configuration is wrong'",
            "This message appears when your password has expired or the laptop's clock is wrong.",
            "- Change your Windows password first if it expired (see the password article).\n"
            "- Check the laptop's date and time.\n- Type the user name without the domain: `first.last`.\n",
        ),
    },
    {
        "key": "password-reset",
        "category": "Mot de passe",
        "audience": "staff",
        "tags": ["password", "account"],
        "fr": (
            "Réinitialiser votre mot de passe Windows",
            "Mot de passe oublié ou expiré : le changer vous-même sans appeler le helpdesk.",
            "1. Sur l'écran de connexion, cliquez sur **Mot de passe oublié ?**.\n"
            "2. Confirmez votre identité avec le code reçu par SMS sur votre téléphone professionnel.\n"
            "3. Choisissez un nouveau mot de passe d'au moins 14 caractères.\n\n"
            "Le helpdesk ne vous demandera **jamais** votre mot de passe.\n",
        ),
        "nl": (
            "Uw Windows-wachtwoord opnieuw instellen",
            "Wachtwoord vergeten of verlopen: zelf wijzigen zonder de helpdesk te bellen.",
            "1. Klik op het aanmeldscherm op **Wachtwoord vergeten?**.\n"
            "2. Bevestig uw identiteit met de code die u per sms op uw dienstgsm krijgt.\n"
            "3. Kies een nieuw wachtwoord van minstens 14 tekens.\n\n"
            "De helpdesk zal u **nooit** uw wachtwoord vragen.\n",
        ),
        "en": (
            "Resetting your Windows password",
            "Forgotten or expired password: change it yourself without calling the helpdesk.",
            "1. On the sign-in screen, click **Forgot password?**.\n"
            "2. Confirm who you are with the code sent by text message to your work phone.\n"
            "3. Choose a new password of at least 14 characters.\n\nThe helpdesk will **never** ask for your password.\n",
        ),
    },
    {
        "key": "account-locked",
        "category": "Mot de passe",
        "audience": "staff",
        "tags": ["password", "account", "locked"],
        "fr": (
            "Compte verrouillé après plusieurs essais",
            "Après cinq mauvais mots de passe, le compte se bloque quinze minutes.",
            "Attendez quinze minutes puis réessayez. Pensez à votre téléphone : une ancienne adresse mail "
            "configurée avec l'ancien mot de passe bloque souvent le compte. Supprimez-la puis ajoutez-la à nouveau.\n",
        ),
        "nl": (
            "Account geblokkeerd na meerdere pogingen",
            "Na vijf foute wachtwoorden wordt het account een kwartier geblokkeerd.",
            "Wacht vijftien minuten en probeer opnieuw. Denk aan uw telefoon: een mailaccount met het oude "
            "wachtwoord blokkeert het account vaak. Verwijder het en voeg het opnieuw toe.\n",
        ),
        "en": (
            "Account locked after several attempts",
            "After five wrong passwords the account is locked for fifteen minutes.",
            "Wait fifteen minutes and try again. Think of your phone: a mail account still using the old "
            "password often locks the account. Remove it and add it again.\n",
        ),
    },
    {
        "key": "return-equipment",
        "category": "",
        "audience": "staff",
        "tags": ["equipment", "return", "loan"],
        "fr": (
            "Rendre votre matériel à la fin d'un prêt",
            "Quand et comment restituer un portable ou un pack télétravail prêté par i-CITY.",
            "Vous recevez un rappel une semaine avant la date de retour.\n\n"
            "1. Sauvegardez vos documents sur le réseau (OneDrive ou dossier partagé).\n"
            "2. Remettez tout le matériel dans le sac : chargeur, station, casque, souris.\n"
            "3. Déposez-le au guichet i-CITY ou demandez un enlèvement depuis *Mon matériel*.\n\n"
            "Un reçu signé vous est envoyé par mail.\n",
        ),
        "nl": (
            "Uw materiaal terugbrengen op het einde van een lening",
            "Wanneer en hoe u een laptop of telewerkpakket van i-CITY teruggeeft.",
            "U krijgt een herinnering een week voor de terugbrengdatum.\n\n"
            "1. Bewaar uw documenten op het netwerk (OneDrive of gedeelde map).\n"
            "2. Stop al het materiaal in de tas: lader, station, headset, muis.\n"
            "3. Breng het naar het i-CITY-loket of vraag een ophaling aan via *Mijn materiaal*.\n\n"
            "U krijgt een ondertekend ontvangstbewijs per mail.\n",
        ),
        "en": (
            "Returning your equipment at the end of a loan",
            "When and how to give back a laptop or telework pack lent by i-CITY.",
            "You get a reminder one week before the return date.\n\n"
            "1. Save your documents on the network (OneDrive or a shared folder).\n"
            "2. Put all the equipment back in the bag: charger, dock, headset, mouse.\n"
            "3. Drop it at the i-CITY desk or ask for a pick-up from *My equipment*.\n\n"
            "A signed receipt is emailed to you.\n",
        ),
    },
    {
        "key": "leaving",
        "category": "",
        "audience": "staff",
        "tags": ["equipment", "return", "leaving"],
        "fr": (
            "Vous quittez la Ville : restituer votre matériel",
            "Départ, fin de contrat ou mutation : ce qu'il faut rendre et à qui.",
            "Votre chef de service prévient i-CITY de votre départ. Nous planifions l'enlèvement de tout ce que "
            "vous détenez : portable, téléphone, badge, pack télétravail. Copiez vos fichiers personnels avant.\n",
        ),
        "nl": (
            "U verlaat de Stad: uw materiaal teruggeven",
            "Vertrek, einde contract of overplaatsing: wat u teruggeeft en aan wie.",
            "Uw diensthoofd verwittigt i-CITY van uw vertrek. Wij plannen de ophaling van alles wat u in bezit "
            "hebt: laptop, telefoon, badge, telewerkpakket. Kopieer vooraf uw persoonlijke bestanden.\n",
        ),
        "en": (
            "Leaving the City: returning your equipment",
            "Leaving, end of contract or transfer: what to give back and to whom.",
            "Your head of department tells i-CITY you are leaving. We schedule a pick-up of everything you hold: "
            "laptop, phone, badge, telework pack. Copy your personal files first.\n",
        ),
    },
    {
        "key": "pupil-pc",
        "category": "",
        "audience": "staff",
        "tags": ["school", "pupil", "pc"],
        "fr": (
            "Programme PC pour élèves : inscrire les élèves de votre école",
            "Pour les contacts école : inscrire les élèves éligibles à un PC reconditionné.",
            "1. Connectez-vous avec votre compte de contact école.\n"
            "2. Ouvrez *Écoles > Élèves* et cliquez sur **Inscrire un élève**.\n"
            "3. Indiquez la référence de l'élève, sa classe et un contact du parent (mail ou téléphone, langue).\n"
            "4. Une fois le PC prêt, le parent reçoit un lien pour réserver un créneau au point de collecte.\n",
        ),
        "nl": (
            "Pc-programma voor leerlingen: de leerlingen van uw school inschrijven",
            "Voor schoolcontacten: de leerlingen inschrijven die recht hebben op een gereviseerde pc.",
            "1. Meld u aan met uw schoolcontactaccount.\n2. Open *Scholen > Leerlingen* en klik op "
            "**Leerling inschrijven**.\n3. Geef de referentie van de leerling, de klas en een contact van de ouder "
            "(mail of telefoon, taal).\n4. Zodra de pc klaar is, krijgt de ouder een link om een tijdslot te boeken "
            "aan het afhaalpunt.\n",
        ),
        "en": (
            "Pupil PC programme: registering your school's pupils",
            "For school contacts: register the pupils eligible for a reconditioned PC.",
            "1. Sign in with your school contact account.\n2. Open *Schools > Pupils* and click **Register a pupil**.\n"
            "3. Give the pupil's reference, class and one guardian contact (email or phone, language).\n"
            "4. When the PC is ready, the guardian gets a link to book a slot at the collection point.\n",
        ),
    },
    {
        "key": "pupil-collection",
        "category": "",
        "audience": "staff",
        "tags": ["school", "pupil", "collection"],
        "fr": (
            "Point de collecte des PC élèves : horaires et documents",
            "Où et quand les parents viennent chercher le PC, et ce qu'ils doivent apporter.",
            "Le point de collecte se trouve au guichet i-CITY, boulevard Anspach 6. Le parent apporte sa carte "
            "d'identité et le mail de réservation. Il signe la convention de prêt sur place et reçoit un reçu.\n",
        ),
        "nl": (
            "Afhaalpunt voor leerlingen-pc's: uren en documenten",
            "Waar en wanneer ouders de pc afhalen, en wat ze moeten meebrengen.",
            "Het afhaalpunt is het i-CITY-loket, Anspachlaan 6. De ouder brengt zijn identiteitskaart en de "
            "reservatiemail mee. Hij tekent ter plaatse de leenovereenkomst en krijgt een ontvangstbewijs.\n",
        ),
        "en": (
            "Pupil PC collection point: opening hours and documents",
            "Where and when guardians collect the PC, and what to bring.",
            "The collection point is the i-CITY desk, boulevard Anspach 6. The guardian brings an identity card and "
            "the booking email, signs the loan agreement there and gets a receipt.\n",
        ),
    },
    {
        "key": "printer",
        "category": "Imprimante",
        "audience": "staff",
        "tags": ["printer"],
        "fr": (
            "Ajouter une imprimante réseau",
            "Installer l'imprimante de votre étage depuis le portail d'impression.",
            "1. Ouvrez le menu Démarrer et tapez **Imprimantes**.\n2. Cliquez sur *Ajouter une imprimante*.\n"
            "3. Choisissez l'imprimante dont le nom commence par votre bâtiment et votre étage (ex. `BXL-AN6-3`).\n",
        ),
        "nl": (
            "Een netwerkprinter toevoegen",
            "De printer van uw verdieping installeren via het printportaal.",
            "1. Open het Startmenu en typ **Printers**.\n2. Klik op *Printer toevoegen*.\n"
            "3. Kies de printer waarvan de naam begint met uw gebouw en verdieping (bv. `BXL-AN6-3`).\n",
        ),
        "en": (
            "Adding a network printer",
            "Install the printer on your floor from the print portal.",
            "1. Open the Start menu and type **Printers**.\n2. Click *Add a printer*.\n"
            "3. Choose the printer whose name starts with your building and floor (e.g. `BXL-AN6-3`).\n",
        ),
    },
    {
        "key": "printer-jam",
        "category": "Imprimante",
        "audience": "staff",
        "tags": ["printer", "paper"],
        "fr": (
            "Bourrage papier : dégager l'imprimante",
            "Les étapes pour retirer une feuille coincée sans abîmer l'imprimante.",
            "Ouvrez le capot indiqué sur l'écran, tirez la feuille doucement vers vous, refermez. "
            "Si le message reste affiché, éteignez et rallumez l'imprimante.\n",
        ),
        "nl": (
            "Papierstoring: de printer vrijmaken",
            "De stappen om een vastgelopen blad te verwijderen zonder de printer te beschadigen.",
            "Open het klepje dat op het scherm staat, trek het blad voorzichtig naar u toe, sluit. "
            "Blijft de melding staan, zet de printer dan uit en weer aan.\n",
        ),
        "en": (
            "Paper jam: clearing the printer",
            "How to remove a stuck sheet without damaging the printer.",
            "Open the cover shown on the screen, pull the sheet gently towards you, close it. "
            "If the message stays, switch the printer off and on.\n",
        ),
    },
    {
        "key": "shared-folder",
        "category": "Accès à un dossier partagé",
        "audience": "staff",
        "tags": ["access", "folder"],
        "fr": (
            "Demander l'accès à un dossier partagé",
            "Obtenir les droits sur un dossier réseau de votre service.",
            "Ouvrez un ticket dans la catégorie *Accès à un dossier partagé* avec le chemin complet du dossier "
            "(par exemple `\\\\fs01\\urbanisme\\permis`) et l'accord écrit de votre chef de service.\n",
        ),
        "nl": (
            "Toegang vragen tot een gedeelde map",
            "Rechten krijgen op een netwerkmap van uw dienst.",
            "Open een ticket in de categorie *Toegang tot een gedeelde map* met het volledige pad van de map "
            "(bijvoorbeeld `\\\\fs01\\stedenbouw\\vergunningen`) en het schriftelijk akkoord van uw diensthoofd.\n",
        ),
        "en": (
            "Asking for access to a shared folder",
            "Get rights on a network folder of your department.",
            "Open a ticket in the *Shared folder access* category with the full folder path and your head of "
            "department's written approval.\n",
        ),
    },
    {
        "key": "onedrive",
        "category": "",
        "audience": "staff",
        "tags": ["onedrive", "files"],
        "fr": (
            "Synchroniser vos documents avec OneDrive",
            "Retrouver vos fichiers sur tous vos appareils et les protéger en cas de panne.",
            "Cliquez sur le nuage bleu dans la barre des tâches, connectez-vous avec votre adresse de la Ville "
            "et choisissez les dossiers *Bureau* et *Documents*. Les fichiers sont sauvegardés en continu.\n",
        ),
        "nl": (
            "Uw documenten synchroniseren met OneDrive",
            "Uw bestanden op al uw toestellen terugvinden en beschermen bij een defect.",
            "Klik op de blauwe wolk in de taakbalk, meld u aan met uw adres van de Stad en kies de mappen "
            "*Bureaublad* en *Documenten*. De bestanden worden voortdurend opgeslagen.\n",
        ),
        "en": (
            "Syncing your documents with OneDrive",
            "Find your files on every device and keep them safe if the laptop fails.",
            "Click the blue cloud in the taskbar, sign in with your City address and choose the *Desktop* and "
            "*Documents* folders. Files are backed up continuously.\n",
        ),
    },
    {
        "key": "wifi",
        "category": "Wifi et VPN",
        "audience": "staff",
        "tags": ["wifi", "network"],
        "fr": (
            "Se connecter au wifi dans les bâtiments de la Ville",
            "Le réseau CityStaff pour les portables de la Ville, CityGuest pour les visiteurs.",
            "Les portables de la Ville se connectent seuls au réseau **CityStaff**. Pour un visiteur, demandez un "
            "code **CityGuest** à l'accueil : il est valable une journée.\n",
        ),
        "nl": (
            "Verbinding maken met de wifi in de gebouwen van de Stad",
            "Het netwerk CityStaff voor laptops van de Stad, CityGuest voor bezoekers.",
            "Laptops van de Stad verbinden vanzelf met **CityStaff**. Vraag voor een bezoeker een code "
            "**CityGuest** aan het onthaal: hij is één dag geldig.\n",
        ),
        "en": (
            "Connecting to wifi in City buildings",
            "CityStaff for City laptops, CityGuest for visitors.",
            "City laptops join **CityStaff** on their own. For a visitor, ask reception for a **CityGuest** code: "
            "it is valid for one day.\n",
        ),
    },
] + MORE_ARTICLES
