"""The demo knowledge base, continued (split to keep modules short): same shape as ``demo_articles``."""

MORE_ARTICLES = [
    {
        "key": "teams-meeting",
        "category": "Application métier",
        "audience": "staff",
        "tags": ["teams", "meeting"],
        "fr": (
            "Organiser une réunion Teams avec des personnes externes",
            "Inviter un citoyen ou un fournisseur à une réunion Teams.",
            "Dans Outlook, créez une réunion, cliquez sur **Réunion Teams** et ajoutez l'adresse mail de la "
            "personne. Elle peut rejoindre depuis son navigateur sans compte.\n",
        ),
        "nl": (
            "Een Teams-vergadering met externen organiseren",
            "Een burger of leverancier uitnodigen voor een Teams-vergadering.",
            "Maak in Outlook een vergadering, klik op **Teams-vergadering** en voeg het mailadres van de persoon "
            "toe. Hij kan deelnemen via zijn browser zonder account.\n",
        ),
        "en": (
            "Holding a Teams meeting with external people",
            "Invite a citizen or a supplier to a Teams meeting.",
            "In Outlook, create a meeting, click **Teams meeting** and add the person's email address. They can join "
            "from a browser without an account.\n",
        ),
    },
    {
        "key": "mfa-phone",
        "category": "Mot de passe",
        "audience": "staff",
        "tags": ["mfa", "phone", "account"],
        "fr": (
            "Nouveau téléphone : transférer l'authentification à deux facteurs",
            "Déplacer Microsoft Authenticator vers votre nouveau téléphone.",
            "Avant de rendre l'ancien téléphone, ouvrez *Mon compte > Informations de sécurité* et ajoutez le "
            "nouveau téléphone. Si l'ancien est perdu, ouvrez un ticket : le helpdesk vérifiera votre identité.\n",
        ),
        "nl": (
            "Nieuwe telefoon: de tweestapsverificatie overzetten",
            "Microsoft Authenticator naar uw nieuwe telefoon verhuizen.",
            "Open vóór u de oude telefoon inlevert *Mijn account > Beveiligingsgegevens* en voeg de nieuwe "
            "telefoon toe. Is de oude verloren, open dan een ticket: de helpdesk controleert uw identiteit.\n",
        ),
        "en": (
            "New phone: moving two-factor authentication",
            "Move Microsoft Authenticator to your new phone.",
            "Before handing in the old phone, open *My account > Security info* and add the new phone. If the old one "
            "is lost, open a ticket: the helpdesk will check your identity.\n",
        ),
    },
    {
        "key": "screen-second",
        "category": "PC ou portable en panne",
        "audience": "staff",
        "tags": ["screen", "dock"],
        "fr": (
            "Le deuxième écran reste noir",
            "L'écran branché sur la station d'accueil n'affiche rien.",
            "Appuyez sur **Windows + P** et choisissez *Étendre*. Vérifiez que le câble de l'écran est dans la "
            "station et pas dans le portable, puis débranchez la station dix secondes.\n",
        ),
        "nl": (
            "Het tweede scherm blijft zwart",
            "Het scherm op het dockingstation toont niets.",
            "Druk op **Windows + P** en kies *Uitbreiden*. Controleer of de schermkabel in het station zit en niet "
            "in de laptop, en koppel het station tien seconden los.\n",
        ),
        "en": (
            "The second screen stays black",
            "The screen plugged into the docking station shows nothing.",
            "Press **Windows + P** and choose *Extend*. Check the screen cable is in the dock, not the laptop, then "
            "unplug the dock for ten seconds.\n",
        ),
    },
    {
        "key": "slow-laptop",
        "category": "PC ou portable en panne",
        "audience": "staff",
        "tags": ["laptop", "performance"],
        "fr": (
            "Votre portable est très lent",
            "Quelques gestes simples avant d'ouvrir un ticket.",
            "Redémarrez complètement (pas la mise en veille), laissez les mises à jour se terminer, fermez les "
            "onglets inutiles. Si la lenteur reste, ouvrez un ticket avec l'étiquette i-CITY du portable.\n",
        ),
        "nl": (
            "Uw laptop is heel traag",
            "Enkele eenvoudige stappen voor u een ticket opent.",
            "Herstart volledig (geen slaapstand), laat de updates afwerken, sluit overbodige tabbladen. Blijft het "
            "traag, open dan een ticket met het i-CITY-etiket van de laptop.\n",
        ),
        "en": (
            "Your laptop is very slow",
            "A few simple steps before opening a ticket.",
            "Restart fully (not sleep), let updates finish, close tabs you do not need. If it stays slow, open a "
            "ticket with the laptop's i-CITY tag.\n",
        ),
    },
    {
        "key": "software-request",
        "category": "",
        "audience": "staff",
        "tags": ["software"],
        "fr": (
            "Demander l'installation d'un logiciel",
            "Les logiciels autorisés s'installent depuis le Centre logiciel, les autres sur demande.",
            "Ouvrez le **Centre logiciel** depuis le menu Démarrer : les logiciels validés s'y installent en un clic. "
            "Pour un autre logiciel, ouvrez une demande avec le nom, la version et l'usage prévu.\n",
        ),
        "nl": (
            "Vragen om software te installeren",
            "Goedgekeurde software installeert u zelf via het Softwarecentrum, andere op aanvraag.",
            "Open het **Softwarecentrum** via het Startmenu: goedgekeurde software installeert u met één klik. "
            "Voor andere software opent u een aanvraag met naam, versie en gebruik.\n",
        ),
        "en": (
            "Requesting a software installation",
            "Approved software installs from the Software Centre, anything else on request.",
            "Open the **Software Centre** from the Start menu: approved software installs in one click. For anything "
            "else, open a request with the name, version and what you need it for.\n",
        ),
    },
    {
        "key": "phone-voicemail",
        "category": "Téléphonie",
        "audience": "staff",
        "tags": ["phone", "voicemail"],
        "fr": (
            "Consulter votre messagerie vocale",
            "Écouter vos messages depuis le poste fixe ou depuis l'extérieur.",
            "Depuis votre poste, appuyez sur la touche **Messages** et tapez votre code. De l'extérieur, appelez le "
            "02 279 00 00, puis * et votre numéro de poste.\n",
        ),
        "nl": (
            "Uw voicemail beluisteren",
            "Uw berichten beluisteren vanaf uw vaste toestel of van buitenaf.",
            "Druk op uw toestel op de toets **Berichten** en typ uw code. Van buitenaf belt u 02 279 00 00, "
            "dan * en uw toestelnummer.\n",
        ),
        "en": (
            "Listening to your voicemail",
            "Hear your messages from your desk phone or from outside.",
            "On your desk phone, press **Messages** and type your code. From outside, call 02 279 00 00, then * and "
            "your extension.\n",
        ),
    },
    {
        "key": "email-phishing",
        "category": "",
        "audience": "staff",
        "tags": ["security", "email", "phishing"],
        "fr": (
            "Signaler un mail d'hameçonnage (phishing)",
            "Un mail suspect vous demande un mot de passe ou de cliquer un lien : que faire.",
            "Ne cliquez sur rien. Dans Outlook, utilisez le bouton **Signaler un message > Hameçonnage**. "
            "Si vous avez déjà saisi votre mot de passe, changez-le immédiatement et prévenez le helpdesk.\n",
        ),
        "nl": (
            "Een phishingmail melden",
            "Een verdachte mail vraagt uw wachtwoord of een klik op een link: wat doen.",
            "Klik nergens op. Gebruik in Outlook de knop **Bericht melden > Phishing**. Hebt u uw wachtwoord al "
            "ingetypt, wijzig het dan meteen en verwittig de helpdesk.\n",
        ),
        "en": (
            "Reporting a phishing email",
            "A suspicious email asks for your password or a click on a link: what to do.",
            "Click nothing. In Outlook, use **Report message > Phishing**. If you already typed your password, change "
            "it at once and tell the helpdesk.\n",
        ),
    },
    {
        "key": "mailbox-full",
        "category": "Application métier",
        "audience": "staff",
        "tags": ["email", "outlook"],
        "fr": (
            "Boîte mail pleine : libérer de l'espace",
            "Outlook indique que votre boîte aux lettres a atteint sa limite.",
            "Videz le dossier *Éléments supprimés*, triez par taille et supprimez les gros messages, ou archivez "
            "les pièces jointes dans OneDrive.\n",
        ),
        "nl": (
            "Mailbox vol: ruimte vrijmaken",
            "Outlook meldt dat uw postvak zijn limiet bereikt heeft.",
            "Maak de map *Verwijderde items* leeg, sorteer op grootte en verwijder grote berichten, of bewaar de "
            "bijlagen in OneDrive.\n",
        ),
        "en": (
            "Mailbox full: freeing up space",
            "Outlook says your mailbox has reached its limit.",
            "Empty *Deleted Items*, sort by size and delete large messages, or move attachments to OneDrive.\n",
        ),
    },
    {
        "key": "new-employee",
        "category": "",
        "audience": "staff",
        "tags": ["onboarding", "account"],
        "fr": (
            "Arrivée d'un nouveau collègue : compte et matériel",
            "Ce que le chef de service demande à i-CITY avant le premier jour.",
            "Au moins dix jours ouvrables avant l'arrivée, demandez le compte, le portable et le téléphone depuis "
            "*Demander du matériel*. Le compte est activé le premier jour à 8 h.\n",
        ),
        "nl": (
            "Een nieuwe collega: account en materiaal",
            "Wat het diensthoofd bij i-CITY aanvraagt voor de eerste werkdag.",
            "Vraag minstens tien werkdagen vooraf het account, de laptop en de telefoon aan via *Materiaal "
            "aanvragen*. Het account wordt de eerste dag om 8 uur geactiveerd.\n",
        ),
        "en": (
            "A new colleague arrives: account and equipment",
            "What the head of department asks i-CITY for before day one.",
            "At least ten working days before, request the account, laptop and phone from *Request equipment*. The "
            "account is activated on the first day at 8 a.m.\n",
        ),
    },
    {
        "key": "lost-laptop",
        "category": "",
        "audience": "staff",
        "tags": ["equipment", "lost", "theft"],
        "fr": (
            "Portable perdu ou volé",
            "Les démarches à faire tout de suite : police, helpdesk, mot de passe.",
            "1. Déclarez le vol à la police et gardez le numéro de procès-verbal.\n"
            "2. Ouvrez un ticket en urgence élevée : i-CITY bloque l'appareil à distance.\n"
            "3. Changez votre mot de passe.\n",
        ),
        "nl": (
            "Laptop verloren of gestolen",
            "Wat u meteen moet doen: politie, helpdesk, wachtwoord.",
            "1. Doe aangifte bij de politie en bewaar het nummer van het proces-verbaal.\n"
            "2. Open een ticket met hoge dringendheid: i-CITY blokkeert het toestel op afstand.\n"
            "3. Wijzig uw wachtwoord.\n",
        ),
        "en": (
            "Lost or stolen laptop",
            "What to do at once: police, helpdesk, password.",
            "1. Report the theft to the police and keep the report number.\n"
            "2. Open a ticket with high urgency: i-CITY locks the device remotely.\n3. Change your password.\n",
        ),
    },
    {
        "key": "webcam",
        "category": "PC ou portable en panne",
        "audience": "staff",
        "tags": ["webcam", "telework"],
        "fr": (
            "La webcam n'est pas détectée",
            "Image noire ou « aucune caméra trouvée » dans Teams.",
            "Vérifiez le cache de l'objectif, branchez la webcam sur un autre port USB, puis choisissez-la dans "
            "*Paramètres > Périphériques > Caméra* de Teams.\n",
        ),
        "nl": (
            "De webcam wordt niet herkend",
            "Zwart beeld of 'geen camera gevonden' in Teams.",
            "Controleer het lensklepje, steek de webcam in een andere USB-poort en kies ze in *Instellingen > "
            "Apparaten > Camera* van Teams.\n",
        ),
        "en": (
            "The webcam is not detected",
            "Black picture or 'no camera found' in Teams.",
            "Check the lens cover, plug the webcam into another USB port, then choose it in Teams *Settings > "
            "Devices > Camera*.\n",
        ),
    },
    {
        "key": "green-it",
        "category": "",
        "audience": "staff",
        "tags": ["green-it", "recycling"],
        "fr": (
            "Green IT : que devient votre ancien matériel ?",
            "Reconditionnement pour les écoles, recyclage certifié pour le reste.",
            "Les portables rendus sont effacés selon la norme NIST 800-88, reconditionnés et donnés aux élèves des "
            "écoles de la Ville. Le matériel irréparable part dans une filière de recyclage certifiée.\n",
        ),
        "nl": (
            "Green IT: wat gebeurt er met uw oude materiaal?",
            "Revisie voor de scholen, gecertificeerde recyclage voor de rest.",
            "Teruggebrachte laptops worden gewist volgens NIST 800-88, gereviseerd en geschonken aan leerlingen van "
            "de stedelijke scholen. Onherstelbaar materiaal gaat naar gecertificeerde recyclage.\n",
        ),
        "en": (
            "Green IT: what happens to your old equipment?",
            "Reconditioning for schools, certified recycling for the rest.",
            "Returned laptops are wiped to NIST 800-88, reconditioned and given to pupils of City schools. Equipment "
            "beyond repair goes to certified recycling.\n",
        ),
    },
    {
        "key": "bitlocker",
        "category": "PC ou portable en panne",
        "audience": "agents",
        "tags": ["bitlocker", "procedure"],
        "fr": (
            "Procédure interne : retrouver une clé de récupération BitLocker",
            "Pour les agents : vérifier l'identité puis lire la clé dans la console.",
            "1. Vérifiez l'identité de l'appelant (question de sécurité, rappel au numéro de l'annuaire).\n"
            "2. Dans la console Intune, ouvrez l'appareil par son étiquette i-CITY.\n"
            "3. Lisez les 8 premiers caractères de l'ID de clé et dictez la clé.\n"
            "4. Notez-le dans le ticket en note interne.\n",
        ),
        "nl": (
            "Interne procedure: een BitLocker-herstelsleutel terugvinden",
            "Voor agenten: identiteit controleren en de sleutel in de console lezen.",
            "1. Controleer de identiteit van de beller (veiligheidsvraag, terugbellen naar het nummer uit de gids).\n"
            "2. Open in de Intune-console het toestel via het i-CITY-etiket.\n"
            "3. Lees de eerste 8 tekens van de sleutel-ID en dicteer de sleutel.\n4. Noteer het als interne nota.\n",
        ),
        "en": (
            "Internal procedure: finding a BitLocker recovery key",
            "For agents: check identity, then read the key in the console.",
            "1. Check the caller's identity (security question, call back on the directory number).\n"
            "2. In the Intune console, open the device by its i-CITY tag.\n"
            "3. Read the first 8 characters of the key ID and dictate the key.\n4. Record it as an internal note.\n",
        ),
    },
    {
        "key": "mfa-reset-procedure",
        "category": "Mot de passe",
        "audience": "agents",
        "tags": ["mfa", "procedure"],
        "fr": (
            "Procédure interne : réinitialiser l'authentification à deux facteurs",
            "Pour les agents : quand et comment supprimer les méthodes MFA d'un compte.",
            "Seulement après vérification d'identité en personne ou par rappel. Dans Entra ID, *Méthodes "
            "d'authentification > Exiger un nouvel enregistrement*. Tracez la demande dans le ticket.\n",
        ),
        "nl": (
            "Interne procedure: tweestapsverificatie opnieuw instellen",
            "Voor agenten: wanneer en hoe de MFA-methoden van een account wissen.",
            "Alleen na identiteitscontrole in persoon of door terugbellen. In Entra ID: *Verificatiemethoden > "
            "Opnieuw registreren vereisen*. Noteer de aanvraag in het ticket.\n",
        ),
        "en": (
            "Internal procedure: resetting two-factor authentication",
            "For agents: when and how to clear an account's MFA methods.",
            "Only after an identity check in person or by call-back. In Entra ID: *Authentication methods > Require "
            "re-register*. Record the request in the ticket.\n",
        ),
    },
    {
        "key": "vpn-escalation",
        "category": "Wifi et VPN",
        "audience": "agents",
        "tags": ["vpn", "procedure", "escalation"],
        "fr": (
            "Procédure interne : escalade d'une panne VPN générale",
            "Pour les agents : à partir de trois appels en quinze minutes, prévenir le niveau 2 réseau.",
            "Regroupez les tickets (fusion vers le premier), prévenez l'équipe *Réseau et téléphonie* par téléphone "
            "et publiez un message sur l'intranet.\n",
        ),
        "nl": (
            "Interne procedure: escalatie van een algemene VPN-storing",
            "Voor agenten: vanaf drie oproepen in vijftien minuten niveau 2 netwerk verwittigen.",
            "Voeg de tickets samen (naar het eerste), verwittig het team *Netwerk en telefonie* telefonisch en plaats "
            "een bericht op het intranet.\n",
        ),
        "en": (
            "Internal procedure: escalating a general VPN outage",
            "For agents: from three calls in fifteen minutes, alert level 2 network.",
            "Merge the tickets into the first one, phone the *Network and telephony* team and post a notice on the "
            "intranet.\n",
        ),
    },
    {
        "key": "loan-extension",
        "category": "",
        "audience": "staff",
        "tags": ["loan", "equipment"],
        "fr": (
            "Prolonger un prêt de matériel",
            "Garder votre portable ou votre pack télétravail plus longtemps que prévu.",
            "Répondez au mail de rappel ou ouvrez une demande avant la date de retour en indiquant la nouvelle date "
            "et l'accord de votre chef de service.\n",
        ),
        "nl": (
            "Een uitlening van materiaal verlengen",
            "Uw laptop of telewerkpakket langer houden dan gepland.",
            "Antwoord op de herinneringsmail of open een aanvraag voor de terugbrengdatum met de nieuwe datum en het "
            "akkoord van uw diensthoofd.\n",
        ),
        "en": (
            "Extending an equipment loan",
            "Keep your laptop or telework pack longer than planned.",
            "Reply to the reminder email or open a request before the return date with the new date and your head of "
            "department's approval.\n",
        ),
    },
    {
        "key": "satisfaction-survey",
        "category": "",
        "audience": "staff",
        "tags": ["survey"],
        "fr": (
            "L'enquête de satisfaction du helpdesk",
            "Pourquoi vous recevez parfois une enquête après un ticket et à quoi elle sert.",
            "Après la clôture d'un ticket, une partie des demandeurs reçoit une question courte. Les réponses sont "
            "anonymisées et servent au rapport annuel à la Ville.\n",
        ),
        "nl": (
            "De tevredenheidsenquête van de helpdesk",
            "Waarom u soms een enquête krijgt na een ticket en waarvoor ze dient.",
            "Na het afsluiten van een ticket krijgt een deel van de aanvragers een korte vraag. De antwoorden worden "
            "geanonimiseerd en dienen voor het jaarverslag aan de Stad.\n",
        ),
        "en": (
            "The helpdesk satisfaction survey",
            "Why you sometimes get a survey after a ticket and what it is for.",
            "After a ticket closes, some requesters get one short question. Answers are anonymised and feed the "
            "annual report to the City.\n",
        ),
    },
    {
        "key": "citrix",
        "category": "Application métier",
        "audience": "staff",
        "tags": ["citrix", "application"],
        "fr": (
            "Ouvrir une application métier via Citrix",
            "Accéder aux applications de la population ou de l'urbanisme depuis un portable.",
            "Ouvrez **Citrix Workspace**, connectez-vous avec votre identifiant Windows et cliquez sur l'application. "
            "En télétravail, connectez d'abord le VPN.\n",
        ),
        "nl": (
            "Een bedrijfstoepassing openen via Citrix",
            "De toepassingen van bevolking of stedenbouw openen vanaf een laptop.",
            "Open **Citrix Workspace**, meld u aan met uw Windows-gebruikersnaam en klik op de toepassing. Bij "
            "telewerk verbindt u eerst met de VPN.\n",
        ),
        "en": (
            "Opening a business application through Citrix",
            "Reach the population or planning applications from a laptop.",
            "Open **Citrix Workspace**, sign in with your Windows user name and click the application. When "
            "teleworking, connect the VPN first.\n",
        ),
    },
]
