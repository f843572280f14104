"""Writes bench/matching/directory.json: the evaluation directory (fictional records, labelled (eval))."""
import json

O=[]; P=[]; PL=[]
def org(k,n,kind,lang,desc,areas=(),kw=(),city="Marseille"):
    O.append(dict(key=k,name=n,kind=kind,lang=lang,description=desc,city=city,therapeutic_areas=list(areas),keywords=list(kw)))
def per(k,n,o,title,lang,exp):
    P.append(dict(key=k,name=n,organization=o,title=title,lang=lang,expertise=exp))
def plat(k,n,o,lang,desc,services=(),instruments=()):
    PL.append(dict(key=k,name=n,organization=o,lang=lang,description=desc,
      services=[dict(key=f"{k}.{s[0]}",name=s[1],lang=s[2],description=s[3],unit=s[4]) for s in services],
      instruments=[dict(key=f"{k}.{i[0]}",name=i[1],lang=i[2],description=i[3],requires_training=i[4]) for i in instruments]))
# ---------------- organizations (70)
org("o-ciml","Centre d'immunologie (éval)","research_lab","fr","Institut de recherche en immunologie fondamentale : cellules NK, lymphocytes T, immunité innée et adaptative.",["autoimmune","cancer","infectious"],["immunologie","cellules NK"])
org("o-crc","Cancer Research Centre (eval)","research_lab","en","Academic cancer research centre studying tumour biology, the tumour microenvironment and resistance to immunotherapy.",["cancer"],["oncology","tumour immunology"])
org("o-virolab","Laboratoire de virologie (éval)","research_lab","fr","Équipe étudiant la réponse immunitaire aux virus respiratoires et le développement de vaccins.",["infectious"],["virus","vaccins"])
org("o-autoimm","Autoimmunity Lab (eval)","research_lab","en","Research group on B cell tolerance, autoantibodies and systemic autoimmune diseases such as lupus and Sjögren's syndrome.",["autoimmune"],["B cells","autoantibodies"])
org("o-inflam","Équipe inflammation intestinale (éval)","research_lab","fr","Recherche sur les maladies inflammatoires chroniques de l'intestin, le microbiote et les macrophages muqueux.",["chronic_inflammatory"],["MICI","microbiote"])
org("o-derm","Skin Immunology Group (eval)","research_lab","en","Studies psoriasis and atopic dermatitis, keratinocyte–T cell crosstalk and IL-17/IL-23 biology.",["chronic_inflammatory","allergy"],["psoriasis","eczema"])
org("o-allergo","Laboratoire d'allergologie (éval)","research_lab","fr","Mécanismes de l'allergie alimentaire et respiratoire, mastocytes et IgE.",["allergy"],["IgE","asthme"])
org("o-transpl","Transplant Immunology Unit (eval)","research_lab","en","Alloimmune responses, graft rejection and tolerance induction after kidney and bone marrow transplantation.",["transplantation"],["GvHD","tolerance"])
org("o-bioinfo","Centre de bioinformatique (éval)","research_lab","fr","Analyse de données omiques, apprentissage automatique et statistiques pour la recherche biomédicale.",[],["données","IA"])
org("o-struct","Structural Biology Institute (eval)","research_lab","en","Cryo-electron microscopy and X-ray crystallography of antibody–antigen complexes.",[],["cryo-EM","crystallography"])
org("o-tb","Tuberculosis Immunity Lab (eval)","research_lab","en","Host immune responses to Mycobacterium tuberculosis; BSL3 facility.",["infectious"],["TB","BSL3"])
org("o-neuro","Neuro-inflammation Team (eval)","research_lab","en","Microglia and T cells in multiple sclerosis and neurodegeneration.",["autoimmune","chronic_inflammatory"],["MS","microglia"])
org("o-hemato","Laboratoire d'hématologie (éval)","research_lab","fr","Leucémies aiguës, lymphomes et myélome : biologie des cellules malignes et réponse aux anticorps thérapeutiques.",["cancer"],["leucémie","myélome"])
org("o-vaccine","Vaccine Design Lab (eval)","research_lab","en","Rational vaccine design, adjuvants and germinal centre responses.",["infectious"],["vaccines","adjuvants"])
org("o-sepsis","Équipe sepsis et immunoparalysie (éval)","research_lab","fr","Dysfonction immunitaire au cours du choc septique, monocytes et biomarqueurs pronostiques.",["infectious"],["sepsis"])
org("o-chu","Hôpital universitaire (éval)","hospital","fr","CHU avec services de rhumatologie, d'hématologie, de dermatologie et de maladies infectieuses ; centre d'investigation clinique.",["autoimmune","cancer","infectious"],["CHU"])
org("o-ccc","Comprehensive Cancer Centre (eval)","hospital","en","Cancer hospital running early-phase trials of immunotherapies, with a tumour bank and a cell therapy unit.",["cancer"],["phase I","tumour bank"])
org("o-childhosp","Hôpital pédiatrique (éval)","hospital","fr","Prise en charge des déficits immunitaires héréditaires et des maladies rares de l'enfant.",["other"],["maladies rares","pédiatrie"])
org("o-ihu","Infectious Diseases Institute Hospital (eval)","hospital","en","Hospital-university institute for infectious diseases with BSL3 laboratories and patient cohorts.",["infectious"],["cohorts","BSL3"])
org("o-mab-cro","AbFactory (eval)","company","en","Contract research organisation for antibody discovery: immunisation, hybridoma, phage display and humanisation.",["cancer","autoimmune"],["antibody discovery"])
org("o-cdmo","BioProd CDMO (eval)","company","en","Contract development and manufacturing organisation: cell line development, process development and GMP production of monoclonal antibodies.",[],["GMP","CDMO"])
org("o-analytics","Analytica Bio (éval)","company","fr","Société de services analytiques : caractérisation des protéines, spectrométrie de masse, glycosylation, stabilité.",[],["analytique"])
org("o-preclin","PreclinX (eval)","company","en","Preclinical CRO offering in vivo pharmacology in syngeneic and humanised mouse models, toxicology and PK.",["cancer","autoimmune"],["in vivo","PK"])
org("o-clincro","ClinServ (éval)","company","fr","Prestataire de recherche clinique : gestion d'essais de phase I à III, monitoring, affaires réglementaires.",[],["CRO","essais"])
org("o-diag","ImmunoDiag (eval)","company","en","In vitro diagnostics company developing immune-monitoring assays and companion diagnostics.",["cancer"],["diagnostics","biomarkers"])
org("o-adc","ConjuGate Therapeutics (eval)","startup","en","Start-up developing antibody-drug conjugates with site-specific conjugation and novel payloads.",["cancer"],["ADC"])
org("o-nanob","Nanoblock (éval)","startup","fr","Jeune entreprise qui développe des nanocorps (VHH) contre des cibles inflammatoires.",["chronic_inflammatory"],["VHH","nanocorps"])
org("o-bisp","TwinArm Bio (eval)","startup","en","Develops bispecific T cell engagers for solid tumours.",["cancer"],["bispecific"])
org("o-cart","CellCure (éval)","startup","fr","Start-up de thérapie cellulaire : cellules CAR-T et CAR-NK allogéniques.",["cancer"],["CAR-T"])
org("o-aitx","DeepImmune (eval)","startup","en","Machine-learning platform predicting antibody developability and immunogenicity from sequence.",[],["AI","developability"])
org("o-microbio","MicroBiome Thera (éval)","startup","fr","Biothérapies issues du microbiote pour les maladies inflammatoires.",["chronic_inflammatory"],["microbiote"])
org("o-vet","VetImmuno (eval)","company","en","Veterinary vaccines and antibodies for companion animals.",["infectious"],["veterinary"])
org("o-pharma1","Pharma Group A (eval)","company","en","Global pharmaceutical company with an immunology and oncology portfolio, open to academic partnerships and licensing.",["autoimmune","cancer"],["licensing","partnering"])
org("o-pharma2","Laboratoire pharmaceutique B (éval)","company","fr","Groupe pharmaceutique français actif en oncologie et en immuno-inflammation ; programmes de collaboration avec les laboratoires académiques.",["cancer","chronic_inflammatory"],["partenariats"])
org("o-biotech-ipo","ListedBio (eval)","company","en","Listed biotechnology company developing NK cell engagers and checkpoint antibodies in immuno-oncology.",["cancer"],["NKG2A","checkpoints"])
org("o-labsupply","LabEquip Sud (éval)","company","fr","Distributeur d'équipements de laboratoire et de consommables pour la culture cellulaire.",[],["équipements"])
org("o-software","LIMS Soft (eval)","company","en","Laboratory information management systems and electronic lab notebooks.",[],["LIMS","software"])
org("o-tto","Office de transfert de technologie (éval)","support","fr","Société d'accélération du transfert de technologies : détection d'inventions, brevets, maturation et licences vers l'industrie.",[],["brevets","licences"])
org("o-incub","Incubateur public (éval)","support","fr","Incubateur de start-up issues de la recherche publique : accompagnement de 2 ans, prêts d'honneur et mise en relation avec des investisseurs.",[],["incubation"])
org("o-accel","BioAccelerator (eval)","support","en","Accelerator programme for early-stage biotech founders: mentoring, business plan, fundraising preparation.",[],["accelerator","mentoring"])
org("o-cluster","Pôle de compétitivité santé (éval)","support","fr","Pôle de compétitivité : labellisation de projets collaboratifs, accompagnement des PME, événements de mise en réseau.",[],["réseau","labellisation"])
org("o-regcons","RegAffairs Consulting (eval)","support","en","Regulatory consultancy for biologics: scientific advice, IND and CTA dossiers, interactions with EMA and ANSM.",[],["regulatory"])
org("o-ipfirm","Cabinet de propriété intellectuelle (éval)","support","fr","Conseils en brevets pour les biotechnologies : rédaction, dépôt, liberté d'exploitation.",[],["brevets"])
org("o-biobank","Centre de ressources biologiques (éval)","support","fr","Biobanque hospitalière : collecte, stockage et mise à disposition d'échantillons de patients (sérums, tissus, PBMC).",["autoimmune","cancer","infectious"],["biobanque","échantillons"])
org("o-realestate","BioParc Immobilier (éval)","support","fr","Locaux de laboratoire et bureaux à louer pour les start-up de biotechnologie.",[],["locaux"])
org("o-vc1","Fonds Santé Capital (éval)","investor","fr","Fonds de capital-risque spécialisé en biotechnologies, tickets de série A et B.",[],["capital-risque"])
org("o-vc2","Seed Bio Ventures (eval)","investor","en","Early-stage venture fund investing pre-seed and seed tickets in academic spin-offs.",[],["seed","spin-off"])
org("o-bank","Banque publique d'investissement (éval)","investor","fr","Financement public de l'innovation : subventions, avances remboursables, prêts d'amorçage, appels à projets.",[],["subventions","innovation"])
org("o-angels","Réseau de business angels santé (éval)","investor","fr","Business angels investissant dans les jeunes entreprises de santé.",[],["business angels"])
org("o-univ","Université (éval)","training","fr","Université : masters d'immunologie et de biotechnologie, écoles doctorales, formation continue.",[],["master","doctorat"])
org("o-school","Biotech Training School (eval)","training","en","Hands-on training courses in bioprocessing, GMP and quality for industry staff.",[],["courses","GMP training"])
org("o-region","Région (éval)","public_authority","fr","Collectivité régionale : aides à l'innovation et soutien aux filières santé.",[],["aides"])
org("o-metro","Métropole (éval)","public_authority","fr","Métropole : développement économique, implantation d'entreprises.",[],["implantation"])
org("o-agency","Agence régionale d'innovation (éval)","support","fr","Accompagne les entreprises innovantes : diagnostics, montage de projets européens, recherche de partenaires.",[],["Europe","partenaires"])
org("o-imaging-co","OptiScope (eval)","company","en","Imaging company offering light-sheet and multiphoton microscopy services.",[],["microscopy"])
org("o-genomics-co","SeqCore Services (eval)","company","en","Genomics service provider: bulk and single-cell RNA sequencing, spatial transcriptomics, TCR and BCR repertoire sequencing.",[],["sequencing"])
org("o-mouse-co","MouseWorks (éval)","company","fr","Création de lignées de souris génétiquement modifiées par CRISPR et hébergement en animalerie.",[],["souris","CRISPR"])
org("o-cytokine-co","PlexAssay (eval)","company","en","Multiplex cytokine profiling and serology testing services.",[],["Luminex","serology"])
org("o-patho","HistoLab (éval)","company","fr","Laboratoire d'histopathologie : immunohistochimie, immunofluorescence multiplexe et pathologie numérique.",["cancer"],["IHC"])
org("o-stat","BioStat Conseil (éval)","company","fr","Biostatistiques et gestion de données pour les essais cliniques.",[],["statistiques"])
org("o-trans","Translational Immunology Unit (eval)","research_lab","en","Immune monitoring of patients in clinical trials: high-dimensional cytometry and serum biomarkers.",["cancer","autoimmune"],["immune monitoring"])
org("o-gd","Gamma Delta Lab (eval)","research_lab","en","Biology of Vγ9Vδ2 T cells and butyrophilins in cancer.",["cancer"],["gamma delta"])
org("o-treg","Laboratoire Treg (éval)","research_lab","fr","Lymphocytes T régulateurs et tolérance dans le diabète de type 1 et la transplantation.",["autoimmune","transplantation"],["Treg"])
org("o-compl","Complement Biology Team (eval)","research_lab","en","Complement system in kidney diseases and complement-targeting antibodies.",["chronic_inflammatory"],["complement"])
org("o-fcrn","Équipe récepteurs Fc (éval)","research_lab","fr","Biologie des récepteurs Fc et du FcRn ; ingénierie du Fc pour moduler la demi-vie des anticorps.",[],["FcRn"])
org("o-organoid","Organoid Core Lab (eval)","research_lab","en","Patient-derived tumour organoids co-cultured with immune cells.",["cancer"],["organoids"])
org("o-hts","Plateau de criblage (éval)","research_lab","fr","Criblage à haut débit de molécules et de banques d'anticorps, robotique.",[],["criblage"])
org("o-epi","Epidemiology & Cohorts Unit (eval)","research_lab","en","Population cohorts and real-world data for immune-mediated diseases.",["autoimmune"],["cohorts","real-world data"])
org("o-pv","Centre de pharmacovigilance (éval)","hospital","fr","Pharmacovigilance et sécurité des biothérapies.",[],["pharmacovigilance"])
# ---------------- people (60)
people = [
("pe-nk","Alice Martin","o-ciml","Directrice de recherche","fr","Biologie des cellules NK, récepteurs inhibiteurs et immunothérapie du cancer."),
("pe-tcell","Bruno Leroy","o-ciml","Chercheur","fr","Activation des lymphocytes T CD8 et mémoire immunologique dans les infections virales."),
("pe-tme","Carla Rossi","o-crc","Team leader","en","Tumour microenvironment, myeloid cells and resistance to checkpoint inhibitors."),
("pe-crc-sc","David Kim","o-crc","Postdoctoral fellow","en","Single-cell RNA sequencing of tumour-infiltrating lymphocytes and computational analysis."),
("pe-flu","Emma Dubois","o-virolab","Virologue","fr","Immunité contre la grippe et le SARS-CoV-2, anticorps neutralisants."),
("pe-bcell","Farid Haddad","o-autoimm","Principal investigator","en","B cell tolerance, autoantibody repertoires and anti-CD20 therapies in lupus."),
("pe-ibd","Gaëlle Morel","o-inflam","Gastro-entérologue chercheuse","fr","Maladie de Crohn, rectocolite hémorragique et anti-TNF."),
("pe-psor","Hugo Blanc","o-derm","Dermatologist scientist","en","Psoriasis, IL-23 pathway and biologics response."),
("pe-allergy","Inès Garnier","o-allergo","Allergologue","fr","Allergie alimentaire de l'enfant, immunothérapie allergénique, IgE."),
("pe-gvh","Jules Bernard","o-transpl","Haematologist","en","Graft-versus-host disease after bone marrow transplantation; regulatory T cell therapy."),
("pe-ml","Karim Saidi","o-bioinfo","Bioinformaticien","fr","Apprentissage automatique sur données omiques, intégration multi-omique."),
("pe-stats","Léa Fontaine","o-bioinfo","Biostatisticienne","fr","Plans d'expérience, analyses statistiques d'essais cliniques et de cohortes."),
("pe-cryoem","Marco Ricci","o-struct","Group leader","en","Cryo-EM structures of antibody–antigen complexes and epitope mapping."),
("pe-tb","Nadia Okafor","o-tb","Scientist","en","T cell responses to tuberculosis, BSL3 work with live mycobacteria."),
("pe-ms","Olivier Petit","o-neuro","Neurologist","en","Multiple sclerosis cohorts and B cell depleting therapies."),
("pe-myeloma","Pauline Girard","o-hemato","Hématologue","fr","Myélome multiple, anticorps anti-CD38 et anticorps bispécifiques."),
("pe-vacc","Quentin Moreau","o-vaccine","Vaccinologist","en","Adjuvant formulation and germinal centre B cell responses."),
("pe-sepsis","Rania Benali","o-sepsis","Réanimatrice","fr","Choc septique, immunoparalysie et monocytes HLA-DR."),
("pe-rheum","Samuel Faure","o-chu","Rhumatologue investigateur","fr","Essais cliniques dans la polyarthrite rhumatoïde, le lupus et les vascularites."),
("pe-derm-clin","Thomas Roux","o-chu","Dermatologue","fr","Investigateur d'essais dans le psoriasis et la dermatite atopique."),
("pe-infect","Ursula Lambert","o-chu","Infectiologue","fr","Infections chez l'immunodéprimé, VIH."),
("pe-onco","Victor Chen","o-ccc","Medical oncologist","en","Principal investigator of phase I trials of bispecific antibodies and ADCs in solid tumours."),
("pe-hemato-clin","Wendy Martin","o-ccc","Haematologist","en","CAR-T cell therapy and lymphoma trials."),
("pe-ped","Xavier Nguyen","o-childhosp","Pédiatre immunologiste","fr","Déficits immunitaires primitifs, diagnostic génétique."),
("pe-ihu","Yasmine Cohen","o-ihu","Clinician scientist","en","Emerging viral infections, patient cohorts and serology."),
("pe-hybrid","Zoé Perrin","o-mab-cro","Head of discovery","en","Mouse immunisation, hybridoma generation and antibody screening."),
("pe-phage","Adrien Marchand","o-mab-cro","Scientist","en","Phage display library construction and affinity maturation."),
("pe-human","Béatrice Lefort","o-mab-cro","Antibody engineer","en","Antibody humanisation, CDR grafting and developability assessment."),
("pe-cld","Cédric Vidal","o-cdmo","Process scientist","en","CHO cell line development and upstream process development."),
("pe-gmp","Diane Arnaud","o-cdmo","QA manager","en","GMP compliance, batch release, quality systems."),
("pe-ms-spec","Etienne Simon","o-analytics","Responsable spectrométrie","fr","Spectrométrie de masse des anticorps, cartographie peptidique, glycanes."),
("pe-invivo","Fanny Hubert","o-preclin","Study director","en","In vivo efficacy studies in syngeneic and humanised mice."),
("pe-tox","Gilles Barbier","o-preclin","Toxicologist","en","GLP toxicology and safety pharmacology of biologics."),
("pe-clinops","Hélène Caron","o-clincro","Cheffe de projet clinique","fr","Gestion d'essais cliniques de phase I, monitoring, sites investigateurs."),
("pe-diag","Ivan Petrov","o-diag","R&D manager","en","Development of immunoassays and companion diagnostics."),
("pe-adc","Julie Renard","o-adc","CSO","en","Site-specific conjugation chemistry and linker-payload design."),
("pe-vhh","Kevin Lemoine","o-nanob","Directeur scientifique","fr","Immunisation de lamas, criblage de banques de VHH, nanocorps bispécifiques."),
("pe-bite","Laura Weber","o-bisp","CEO","en","Bispecific antibody formats and T cell engager design."),
("pe-cart","Mathieu Colin","o-cart","Fondateur","fr","Ingénierie de cellules CAR-T, vecteurs lentiviraux, production de lots cliniques."),
("pe-ai","Nina Schultz","o-aitx","Data scientist","en","Deep learning on antibody sequences, immunogenicity prediction."),
("pe-bd","Oscar Duval","o-pharma1","Business development director","en","In-licensing of immunology assets and academic partnerships."),
("pe-pharma-fr","Pierre Guérin","o-pharma2","Responsable partenariats académiques","fr","Collaborations de recherche, thèses CIFRE, accords de licence."),
("pe-tto","Rose Antoine","o-tto","Chargée de valorisation","fr","Brevets, maturation de projets, licences et création de spin-off."),
("pe-incub","Stéphane Morin","o-incub","Chargé d'affaires","fr","Accompagnement des porteurs de projet de start-up, financement d'amorçage."),
("pe-accel","Tina Hofmann","o-accel","Programme manager","en","Mentoring founders, pitch training, investor introductions."),
("pe-reg","Ugo Ferrari","o-regcons","Regulatory affairs consultant","en","Clinical trial applications, scientific advice meetings, biologics CMC."),
("pe-ip","Valérie Michel","o-ipfirm","Conseil en brevets","fr","Rédaction de brevets sur les anticorps, liberté d'exploitation."),
("pe-biobank","William Robert","o-biobank","Responsable biobanque","fr","Collecte d'échantillons, consentement, accès aux collections de sérums et de PBMC."),
("pe-vc","Xavière Dumas","o-vc1","Associée","fr","Investissement en série A dans les biotechnologies."),
("pe-seed","Yann Marchal","o-vc2","Partner","en","Pre-seed and seed investments in university spin-offs."),
("pe-univ","Zineb Alaoui","o-univ","Responsable de master","fr","Master d'immunologie, stages et formation des étudiants."),
("pe-course","Anna Kowalski","o-school","Training coordinator","en","GMP and bioprocess training courses for industry."),
("pe-light","Benoît Rey","o-imaging-co","Imaging scientist","en","Light-sheet microscopy of cleared tissues and 3D image analysis."),
("pe-seq","Chloé Mercier","o-genomics-co","Genomics lead","en","Single-cell and spatial transcriptomics projects."),
("pe-crispr","Damien Fabre","o-mouse-co","Ingénieur","fr","Édition du génome par CRISPR, souris knock-in."),
("pe-plex","Elise Noël","o-cytokine-co","Lab manager","en","Luminex cytokine panels and ELISA."),
("pe-ihc","François Gomez","o-patho","Pathologiste","fr","Immunohistochimie, immunofluorescence multiplexe, analyse d'images."),
("pe-monitor","Gabrielle Roy","o-trans","Immunologist","en","Spectral and mass cytometry immune monitoring of trial patients."),
("pe-gd","Henri Paris","o-gd","Group leader","en","Gamma delta T cells and BTN3A antibodies."),
("pe-treg","Isabelle Vincent","o-treg","Chercheuse","fr","Lymphocytes T régulateurs, diabète de type 1, thérapies cellulaires Treg."),
]
for p in people: per(*p)
# ---------------- platforms with services and instruments
plat("pf-cyto","Plateforme de cytométrie (éval)","o-ciml","fr","Cytométrie en flux analytique, spectrale et tri cellulaire.",
  [("sort","Tri cellulaire","fr","Tri de populations cellulaires rares par un ingénieur, en conditions stériles.","hour"),
   ("spectral","Acquisition en cytométrie spectrale","fr","Analyse de panels de plus de 30 couleurs.","hour"),
   ("panel","Conception de panels","fr","Aide à la conception et à la validation de panels multicouleurs.","project"),
   ("training","Formation à la cytométrie","fr","Formation théorique et pratique des utilisateurs.","day"),
   ("dataanalysis","Analyse de données de cytométrie","fr","Analyse non supervisée (UMAP, clustering) de données de cytométrie.","hour")],
  [("aria","Trieur FACSAria","fr","Trieur de cellules 4 voies sous hotte.",True),
   ("aurora","Cytomètre spectral Aurora","fr","Cytomètre spectral 5 lasers.",True),
   ("cytof","CyTOF","en","Mass cytometer.",True)])
plat("pf-imaging","Imaging Core (eval)","o-crc","en","Confocal, live-cell and intravital imaging.",
  [("confocal","Confocal microscopy session","en","Assisted confocal acquisition.","hour"),
   ("analysis","Image analysis","en","Quantitative image analysis and segmentation.","hour")],
  [("sp8","Confocal microscope SP8","en","Point-scanning confocal.",True),
   ("2photon","Two-photon microscope","en","Intravital imaging of live mice.",True)])
plat("pf-seq","Plateforme génomique (éval)","o-bioinfo","fr","Séquençage haut débit et analyses bioinformatiques.",
  [("rnaseq","RNA-seq","fr","Séquençage d'ARN en masse et analyse d'expression différentielle.","sample"),
   ("sc","Séquençage en cellule unique","fr","Préparation de librairies 10x Genomics et séquençage.","sample"),
   ("bioinfo","Analyse bioinformatique","fr","Analyse de données NGS par un bioinformaticien.","day")],
  [("novaseq","Séquenceur NovaSeq","fr","Séquenceur haut débit.",False)])
plat("pf-abgen","Antibody Generation Platform (eval)","o-mab-cro","en","From antigen to lead antibodies.",
  [("immun","Mouse immunisation and hybridoma","en","Immunisation, fusion, hybridoma screening and subcloning.","project"),
   ("phage","Phage display selection","en","Selection from naive human libraries.","project"),
   ("human","Antibody humanisation","en","CDR grafting and back-mutations with developability check.","project"),
   ("seq","Hybridoma sequencing","en","Sequencing of variable regions from hybridomas.","sample")])
plat("pf-prod","Protein Production Core (eval)","o-cdmo","en","Recombinant antibody production from mg to g.",
  [("transient","Transient expression in HEK293","en","Small-scale antibody production for research.","project"),
   ("cld","Stable CHO cell line development","en","Clone selection and stability studies.","project"),
   ("gmp","GMP batch manufacturing","en","Production of clinical-grade batches for phase I trials.","project"),
   ("purif","Antibody purification","en","Protein A purification and buffer exchange.","sample")],
  [("bioreactor","50 L bioreactor","en","Single-use bioreactor.",True)])
plat("pf-analytic","Plateau d'analyse des protéines (éval)","o-analytics","fr","Caractérisation physico-chimique des biomolécules.",
  [("ms","Spectrométrie de masse intacte","fr","Masse intacte et cartographie peptidique d'anticorps.","sample"),
   ("glyco","Analyse de la glycosylation","fr","Profil de glycanes N-liés.","sample"),
   ("stab","Études de stabilité","fr","Agrégation, stabilité thermique, SEC-MALS.","sample"),
   ("spr","Mesure d'affinité par SPR","fr","Cinétique d'interaction anticorps-antigène par résonance plasmonique de surface.","sample")],
  [("biacore","Biacore 8K","fr","Instrument de SPR.",True)])
plat("pf-animal","Animalerie (éval)","o-preclin","fr","Animalerie EOPS et études in vivo.",
  [("house","Hébergement de souris","fr","Hébergement en zone EOPS.","day"),
   ("efficacy","Études d'efficacité in vivo","fr","Modèles de tumeurs syngéniques et xénogreffes.","project"),
   ("pk","Étude de pharmacocinétique","fr","Prélèvements et dosage des anticorps chez la souris.","project")])
plat("pf-mouse","Transgenesis Service (eval)","o-mouse-co","en","Genetically engineered mouse models.",
  [("ko","Knockout mouse generation","en","CRISPR knockout lines.","project"),
   ("humanized","Human immune system mice","en","Mice engrafted with human CD34+ cells.","project")])
plat("pf-histo","Histology Core (eval)","o-patho","en","Tissue processing and staining.",
  [("ihc","Immunohistochemistry","en","Automated IHC on FFPE sections.","sample"),
   ("mif","Multiplex immunofluorescence","en","7-colour multiplex staining and scanning.","sample"),
   ("scan","Slide scanning and digital pathology","en","Whole-slide imaging and AI-based analysis.","sample")])
plat("pf-biobank","Biobanque hospitalière (éval)","o-biobank","fr","Accès aux échantillons biologiques de patients.",
  [("access","Mise à disposition d'échantillons","fr","Sérums, plasmas, PBMC et tissus de patients avec consentement.","sample"),
   ("pbmc","Isolement de PBMC","fr","Isolement et congélation de cellules mononucléées du sang.","sample")])
plat("pf-bsl3","BSL3 Laboratory (eval)","o-ihu","en","Containment level 3 laboratory for work with dangerous pathogens.",
  [("access","BSL3 access and training","en","Supervised work with SARS-CoV-2 or tuberculosis.","day"),
   ("neutra","Virus neutralisation assays","en","Live-virus neutralisation of sera and antibodies.","sample")])
plat("pf-multiplex","Immunoassay Lab (eval)","o-cytokine-co","en","Protein biomarker measurement.",
  [("luminex","Multiplex cytokine panel","en","Up to 45 cytokines per sample.","sample"),
   ("elisa","Custom ELISA","en","Assay development and validation.","project"),
   ("elispot","ELISpot","en","Antigen-specific T cell responses.","sample")])
plat("pf-clin","Centre d'investigation clinique (éval)","o-chu","fr","Réalisation d'essais cliniques de phase précoce.",
  [("phase1","Essais de phase I","fr","Unité de première administration chez l'homme.","project"),
   ("cohort","Constitution de cohortes","fr","Recrutement et suivi de cohortes de patients.","project"),
   ("samples","Prélèvements pour la recherche","fr","Prélèvements sanguins de volontaires et de patients.","sample")])
plat("pf-cellther","Unité de thérapie cellulaire (éval)","o-ccc","fr","Production de médicaments de thérapie innovante.",
  [("cart","Production de cellules CAR-T","fr","Fabrication en salle blanche selon les BPF.","project"),
   ("qc","Contrôle qualité des MTI","fr","Tests de libération des lots.","sample")])
plat("pf-hts","Screening Platform (eval)","o-hts","en","Robotic high-throughput screening.",
  [("hts","High-throughput screening campaign","en","Cell-based and biochemical screens.","project")],
  [("robot","Liquid handling robot","en","Automated pipetting.",True)])
plat("pf-organoid","Organoid Platform (eval)","o-organoid","en","Patient-derived organoids.",
  [("coculture","Organoid–immune cell co-culture","en","Test T cell killing of tumour organoids.","project")])
plat("pf-bioinfo","Data Science Service (eval)","o-bioinfo","en","Computational support.",
  [("stats","Biostatistics consulting","en","Study design and statistical analysis.","day"),
   ("datamgmt","Clinical data management","en","eCRF design and data warehouse for cohorts.","project"),
   ("ml","Machine learning projects","en","Predictive models on biomedical data.","project")])
plat("pf-struct","Cryo-EM Facility (eval)","o-struct","en","Electron cryo-microscopy.",
  [("cryoem","Cryo-EM structure determination","en","Structure of protein complexes.","project"),
   ("epitope","Epitope mapping","en","Hydrogen–deuterium exchange and structural epitope mapping.","project")],
  [("krios","Titan Krios","en","300 kV cryo-electron microscope.",True)])
plat("pf-functional","Plateau de tests fonctionnels (éval)","o-trans","fr","Tests cellulaires d'activité des anticorps.",
  [("adcc","Test ADCC","fr","Cytotoxicité dépendante des anticorps avec cellules NK.","sample"),
   ("tact","Activation des lymphocytes T","fr","Prolifération et production de cytokines.","sample"),
   ("monitor","Monitoring immunologique d'essais","fr","Cytométrie haute dimension sur échantillons d'essais cliniques.","sample")])
plat("pf-training","Formations (éval)","o-school","fr","Catalogue de formations.",
  [("gmp","Formation BPF","fr","Bonnes pratiques de fabrication pour opérateurs.","day"),
   ("cyto","Formation cytométrie avancée","fr","Analyse de données de cytométrie.","day")])

org("o-lipid","Lipid Nanoparticle Lab (eval)","research_lab","en","mRNA delivery with lipid nanoparticles for vaccines and protein replacement.",["infectious"],["mRNA","LNP"])
org("o-glyco","Équipe glycobiologie (éval)","research_lab","fr","Glycosylation des immunoglobulines et fonctions effectrices.",[],["glycanes"])
org("o-kidney","Nephrology Research Unit (eval)","research_lab","en","Immune-mediated kidney diseases, lupus nephritis and ANCA vasculitis.",["autoimmune"],["nephritis"])
org("o-asthma","Laboratoire asthme sévère (éval)","research_lab","fr","Asthme sévère, éosinophiles et biothérapies anti-IL-5.",["allergy","chronic_inflammatory"],["asthme"])
org("o-hiv","HIV Reservoir Lab (eval)","research_lab","en","Broadly neutralising antibodies against HIV and the latent reservoir.",["infectious"],["bnAbs","HIV"])
org("o-malaria","Laboratoire paludisme (éval)","research_lab","fr","Immunité contre le paludisme et anticorps monoclonaux anti-Plasmodium.",["infectious"],["paludisme"])
org("o-aging","Immunosenescence Group (eval)","research_lab","en","Ageing of the immune system and vaccine responses in the elderly.",["infectious"],["ageing"])
org("o-coworking","BioIncubator Building (eval)","support","en","Shared wet-lab benches and offices for young biotech companies, with equipment access.",[],["lab space"])
org("o-eu","EU Projects Office (eval)","support","en","Helps researchers build Horizon Europe consortia and write grant applications.",[],["Horizon Europe","grants"])
org("o-pediatric-trials","Paediatric Trials Network (eval)","hospital","en","Network of paediatric hospitals running clinical trials in children, including rare immune disorders.",["other"],["paediatrics"])
org("o-vet-school","École vétérinaire (éval)","training","fr","Formation et recherche vétérinaires, modèles animaux de maladies infectieuses.",["infectious"],["vétérinaire"])
org("o-sme-assoc","Biotech SME Association (eval)","support","en","Association of biotech SMEs: lobbying, shared purchasing and networking events.",[],["SMEs"])
org("o-qc-lab","Laboratoire de contrôle qualité (éval)","company","fr","Contrôle qualité pharmaceutique : tests de libération, stérilité, endotoxines, selon les BPF.",[],["contrôle qualité"])
org("o-packaging","FillFinish (eval)","company","en","Aseptic fill and finish of biologics into vials and syringes under GMP.",[],["fill-finish"])
org("o-recruit","BioTalents (éval)","support","fr","Cabinet de recrutement spécialisé en biotechnologies.",[],["recrutement"])
people2 = [
("pe-lnp","Jean Dupont","o-lipid","Scientist","en","mRNA vaccine formulation in lipid nanoparticles."),
("pe-glyco","Karine Henry","o-glyco","Chercheuse","fr","Glycosylation des IgG, afucosylation et ADCC."),
("pe-nephro","Liam O'Brien","o-kidney","Nephrologist","en","Lupus nephritis trials and kidney biopsies."),
("pe-asthma","Marion Leclerc","o-asthma","Pneumologue","fr","Asthme sévère éosinophilique, essais de biothérapies."),
("pe-bnab","Noah Fischer","o-hiv","Investigator","en","Isolation of broadly neutralising antibodies from HIV controllers by single B cell cloning."),
("pe-malaria","Océane Riviere","o-malaria","Chercheuse","fr","Anticorps humains contre Plasmodium falciparum."),
("pe-aging","Paul Schmitt","o-aging","Professor","en","Vaccine responses in older adults."),
("pe-eu","Rachel Green","o-eu","Grant advisor","en","Horizon Europe proposals and consortium building."),
("pe-recruit","Sophie Marchetti","o-recruit","Consultante","fr","Recrutement de profils scientifiques et de dirigeants de start-up."),
("pe-space","Tom Baker","o-coworking","Site manager","en","Bench rental and shared equipment."),
]
for p in people2: per(*p)
plat("pf-mrna","mRNA Platform (eval)","o-lipid","en","mRNA synthesis and LNP formulation.",
  [("synth","mRNA synthesis","en","In vitro transcription of research-grade mRNA.","project"),
   ("lnp","LNP formulation","en","Encapsulation of mRNA in lipid nanoparticles.","project")])
plat("pf-repertoire","Immune Repertoire Service (eval)","o-genomics-co","en","Adaptive immune receptor sequencing.",
  [("tcr","TCR repertoire sequencing","en","Bulk and single-cell TCR sequencing.","sample"),
   ("bcr","BCR repertoire sequencing","en","Antibody repertoire sequencing from B cells.","sample"),
   ("spatial","Spatial transcriptomics","en","Visium spatial gene expression.","sample")])
plat("pf-space","Shared Lab Space (eval)","o-coworking","en","Benches to rent.",
  [("bench","Bench rental","en","Monthly rental of a bench in a BSL2 lab.","day")])
plat("pf-nanob","Plateforme VHH (éval)","o-nanob","fr","Découverte de nanocorps.",
  [("llama","Immunisation de lamas","fr","Immunisation et construction de banques VHH.","project"),
   ("screen","Criblage de banques VHH","fr","Sélection par phage display.","project")])
plat("pf-conj","Conjugation Lab (eval)","o-adc","en","Bioconjugation services.",
  [("adc","ADC conjugation","en","Site-specific conjugation of payloads to antibodies.","project"),
   ("dar","DAR analysis","en","Drug-to-antibody ratio determination.","sample")])

doc={"format":"guichet-directory","version":1,"organizations":O,"people":P,"platforms":PL}
for o in O:
    if not o["therapeutic_areas"]: del o["therapeutic_areas"]
    if not o["keywords"]: del o["keywords"]
n = len(O)+len(P)+len(PL)+sum(len(p["services"])+len(p["instruments"]) for p in PL)
for p in PL:
    if not p["services"]: del p["services"]
    if not p["instruments"]: del p["instruments"]
json.dump(doc, open(__import__("pathlib").Path(__file__).with_name("directory.json"),"w"), ensure_ascii=False, indent=1)
print("records", n, len(O), len(P), len(PL))
