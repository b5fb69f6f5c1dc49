"""Provenance: "usually led by" marked as Homeward's suggestion, the action-list deadline's
local working-days setting, and programme copies of the Checklist re-cited by published title.

Programmes copy the Checklist's tasks when they are made, so existing copies still hold the old
citations (seed file names and line numbers) and bases. Only a copy whose text is exactly the old
template's is rewritten: nothing an authority changed is touched.

Revision ID: a532e56d1a05
Revises: 83625964fb65
Create Date: 2026-12-03 09:48:59.541858

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a532e56d1a05'
down_revision = '83625964fb65'
branch_labels = None
depends_on = None

# (phase, task, old source, new citation, old basis, new basis, lead is a suggestion), from
# checklists/implementation_checklist.toml versions 2026.1 and 2026.2.
TASKS = [
    (1, 1, 'Reconstructed from 000_a8735e86fa4319d0.txt lines 109–113 (strategic leadership) and 846 (Phase 1 outcome on governance); 004_a7d9c97ca7fe9140.txt lines 429–451 (set-up meeting agenda) and 469–478 (senior leadership endorsement)',
     "NSPCC Implementation Checklist: introduction, strategic leadership; By the end of Phase 1 (governance). Bristol evaluation: the set-up meeting agenda and senior leaders' endorsement",
     "Phase 1 outcome 'Decided governance arrangements, including quality assurance' is only partly covered by a surviving task (task 14, quality assurance). The evaluation's set-up meeting dealt with governance, accountability, named contacts and sustaining implementation, and both evaluations cited in the Checklist stress that strategic leadership drives implementation.",
     "Phase 1 outcome 'Decided governance arrangements, including quality assurance' is only partly covered by a surviving task (task 14, quality assurance). The evaluation's set-up meeting dealt with governance, accountability, named contacts and sustaining implementation, and both evaluations cited in the Checklist stress that strategic leadership drives implementation.", True),
    (1, 2, 'Reconstructed from 000_a8735e86fa4319d0.txt lines 837 (Phase 1 outcome), 1210–1260 (Annex 2 part 2) and 1644 (Strategic Set 1: lead presents local data); 004_a7d9c97ca7fe9140.txt lines 479–481; 001_986c4d1aad8a2233.txt lines 156–157 (national re-entry rates)',
     'NSPCC Implementation Checklist: By the end of Phase 1 (local data analysed); Annex 2, ongoing tracking; Strategic Set 1 (the lead presents local data). Bristol evaluation: tasks before the first learning set. Home again (national survey): national re-entry rates',
     "Phase 1 outcome 'Analysed local data on outcomes for children who return home' has no surviving task, and no surviving task refers to Annex 2. The evaluation's second 'before the first learning set' task asked a senior manager to produce exactly this data and analysis, citing Annex 2 of the Checklist.",
     "Phase 1 outcome 'Analysed local data on outcomes for children who return home' has no surviving task, and no surviving task refers to Annex 2. The evaluation's second 'before the first learning set' task asked a senior manager to produce exactly this data and analysis, citing Annex 2 of the Checklist.", True),
    (1, 3, 'Reconstructed from 000_a8735e86fa4319d0.txt lines 123–126 (Framework integral to other initiatives), 152–160 (Annex 1) and 1646–1648 (Strategic Set 1 analysis of the current situation); 004_a7d9c97ca7fe9140.txt lines 442–443, 483 and 1727–1733 (barriers on fit with other processes)',
     'NSPCC Implementation Checklist: introduction (the Framework alongside other initiatives; Annex 1); Strategic Set 1 (analysis of the current situation). Bristol evaluation: set-up meeting, tasks before the first set, and barriers on fit with other processes',
     "The evaluation's third 'before the first learning set' task asked senior managers to prioritise practice areas, and its set-up meeting covered how the work fits wider strategy; unclear fit with existing processes was a reported barrier. Annex 1 (regulations and guidance) is not cited by any surviving task.",
     "The evaluation's third 'before the first learning set' task asked senior managers to prioritise practice areas, and its set-up meeting covered how the work fits wider strategy; unclear fit with existing processes was a reported barrier. Annex 1 (regulations and guidance) is not cited by any surviving task.", True),
    (1, 4, 'Reconstructed from 000_a8735e86fa4319d0.txt lines 839 (Phase 1 outcome), 861–864 (Phase 2 task 2b), 1210–1260 (Annex 2 part 2) and 1650–1660 (Strategic Set 1); 004_a7d9c97ca7fe9140.txt lines 647–653 (measure of success) and 1658–1663',
     'NSPCC Implementation Checklist: By the end of Phase 1 (success defined); Phase 2, task 2b; Annex 2, ongoing tracking; Strategic Set 1 (what does success look like?). Bristol evaluation: the measure of success',
     "Phase 1 outcome 'Defined success and how to measure it' has no surviving task, and Phase 2 task 2b assumes outcome indicators were agreed earlier. Content comes from Strategic Set 1's questions on success and the evaluation's definition of success.",
     "Phase 1 outcome 'Defined success and how to measure it' has no surviving task, and Phase 2 task 2b assumes outcome indicators were agreed earlier. Content comes from Strategic Set 1's questions on success and the evaluation's definition of success.", True),
    (1, 5, '000_a8735e86fa4319d0.txt, Phase 1 task 5 (lines 694–698)',
     'NSPCC Implementation Checklist: Phase 1, task 5; Annex 3, the worked example and spreadsheet (SSDA903 data, the re-entry rate, breakeven)',
     '',
     '', True),
    (1, 6, '000_a8735e86fa4319d0.txt, Phase 1 task 6 (lines 700–708)',
     'NSPCC Implementation Checklist: Phase 1, task 6 (the options); Annex 6. Bristol evaluation: tasks before the first learning set (the position on resources)',
     '',
     '', True),
    (1, 7, '000_a8735e86fa4319d0.txt, Phase 1 task 7 (lines 711–722)',
     'NSPCC Implementation Checklist: Phase 1, task 7; services for children and families, housing and the gaps found',
     '',
     '', True),
    (1, 8, '000_a8735e86fa4319d0.txt, Phase 1 task 8 (lines 724–738)',
     'NSPCC Implementation Checklist: Phase 1, task 8; Annex 4',
     '',
     '', False),
    (1, 9, '000_a8735e86fa4319d0.txt, Phase 1 task 9 (lines 740–766)',
     'NSPCC Implementation Checklist: Phase 1, task 9. Bristol evaluation: who sat in the strategic learning sets',
     '',
     '', True),
    (1, 10, '000_a8735e86fa4319d0.txt, Phase 1 task 10 (lines 768–783)',
     'NSPCC Implementation Checklist: Phase 1, task 10; learning-set guidance (reading the Framework; six working weeks; action lists within two days). Bristol evaluation: how the learning sets ran (about four hours)',
     '',
     '', False),
    (1, 11, '000_a8735e86fa4319d0.txt, Phase 1 task 11 (lines 786–795)',
     'NSPCC Implementation Checklist: Phase 1, task 11; example postcard (a flow chart of the decision-making process)',
     '',
     '', True),
    (1, 12, '000_a8735e86fa4319d0.txt, Phase 1 task 12 (lines 797–807)',
     'NSPCC Implementation Checklist: Phase 1, task 12; the second worker who writes the analytical case history. Bristol evaluation: uncertainty over who would write the chronologies',
     '',
     '', True),
    (1, 13, '000_a8735e86fa4319d0.txt, Phase 1 task 13 (lines 809–820)',
     'NSPCC Implementation Checklist: Phase 1, task 13; learning-set guidance (at least a full-day briefing; reading the whole Framework). Bristol evaluation: research findings taught directly, not left to reading',
     '',
     '', True),
    (1, 14, '000_a8735e86fa4319d0.txt, Phase 1 task 14 (lines 822–824)',
     'NSPCC Implementation Checklist: Phase 1, task 14. Reunification Practice Framework slides: key elements of practice',
     '',
     '', True),
    (1, 15, '000_a8735e86fa4319d0.txt, Phase 1 task 15 (lines 826–830)',
     'NSPCC Implementation Checklist: Phase 1, task 15; Annex 10',
     '',
     '', False),
    (1, 16, '000_a8735e86fa4319d0.txt, Phase 1 task 16 (lines 832–833)',
     'NSPCC Implementation Checklist: Phase 1, task 16. Bristol evaluation: barriers to getting the Framework accepted',
     '',
     '', True),
    (2, 1, "Reconstructed from 000_a8735e86fa4319d0.txt lines 907 and 921 (Phase 2 outcomes), 857–859 (task 2a 'pilot group'), 881–882 (task 7 'pilot cases'), 1505–1565 (postcard example) and 1757–1862 (practice sets); 004_a7d9c97ca7fe9140.txt lines 598–605 and 636–643 (postcards and work between sets)",
     'NSPCC Implementation Checklist: By the end of Phase 2; Phase 2, tasks 2a and 7; example postcard; Practice Sets 1–3. Bristol evaluation: postcards and work between the learning sets',
     "Phase 2 outcome 'Framework piloted on a number of cases' is delivered by no surviving task, while tasks 2a and 7 presuppose a pilot group and pilot cases. The practice learning sets and postcards in the Checklist and the evaluation show how pilot staff fed back to the strategic group.",
     "Phase 2 outcome 'Framework piloted on a number of cases' is delivered by no surviving task, while tasks 2a and 7 presuppose a pilot group and pilot cases. The practice learning sets and postcards in the Checklist and the evaluation show how pilot staff fed back to the strategic group.", True),
    (2, 2, '000_a8735e86fa4319d0.txt, Phase 2 task 2 (lines 853–864)',
     'NSPCC Implementation Checklist: Phase 2, task 2; learning-set guidance (the mid-way review)',
     '',
     '', False),
    (2, 3, '000_a8735e86fa4319d0.txt, Phase 2 task 3 (line 866)',
     'NSPCC Implementation Checklist: Phase 2, task 3; Annex 1 (nominated-officer approval). Camden reunification practice guidance: an example of a local reunification policy',
     '',
     '', True),
    (2, 4, '000_a8735e86fa4319d0.txt, Phase 2 task 4 (lines 868–871)',
     'NSPCC Implementation Checklist: Phase 2, task 4; Phase 1, task 13 (team managers supervising). Bristol evaluation: what practitioners found hard (chronologies)',
     '',
     '', False),
    (2, 5, '000_a8735e86fa4319d0.txt, Phase 2 task 5 (lines 873–875)',
     'NSPCC Implementation Checklist: Phase 2, task 5. Bristol evaluation: cherry-picking parts of the Practice Framework',
     '',
     '', True),
    (2, 6, '000_a8735e86fa4319d0.txt, Phase 2 task 6 (lines 877–879)',
     'NSPCC Implementation Checklist: Phase 2, task 6; Annex 10',
     '',
     '', False),
    (2, 7, '000_a8735e86fa4319d0.txt, Phase 2 task 7 (lines 881–882)',
     "NSPCC Implementation Checklist: Phase 2, task 7; services not available once Section 20 children return home. Bristol evaluation: briefing the Corporate Parenting Board, Children's Trust and Safeguarding Board",
     '',
     '', True),
    (2, 8, '000_a8735e86fa4319d0.txt, Phase 2 task 8 (lines 884–891)',
     'NSPCC Implementation Checklist: Phase 2, task 8. Bristol evaluation: timescales for changes to service contracts',
     '',
     '', True),
    (2, 9, '000_a8735e86fa4319d0.txt, Phase 2 task 9 (lines 893–894)',
     'NSPCC Implementation Checklist: Phase 2, task 9. Bristol evaluation: unclear timescales for wider rollout, a barrier',
     '',
     '', True),
    (2, 10, '000_a8735e86fa4319d0.txt, Phase 2 task 10 (lines 896–897)',
     'NSPCC Implementation Checklist: Phase 2, task 10. Bristol evaluation: cherry-picking parts of the Practice Framework',
     '',
     '', True),
    (2, 11, '000_a8735e86fa4319d0.txt, Phase 2 task 11 (lines 899–900)',
     'NSPCC Implementation Checklist: Phase 2, task 11; Annex 9, the Enfield example (a conference)',
     '',
     '', True),
    (2, 12, '000_a8735e86fa4319d0.txt, Phase 2 task 12 (lines 902–903)',
     "NSPCC Implementation Checklist: Phase 2, task 12; Strategic Set 3 (who owns the plan; resilience); Annex 4, Leeds's four sub-groups",
     '',
     '', True),
    (3, 1, 'Reconstructed from 004_a7d9c97ca7fe9140.txt lines 278–285, 451, 1690–1713 and 1750–1756; 000_a8735e86fa4319d0.txt lines 1537 and 1707–1713',
     'Bristol evaluation: sustaining implementation, facilitators and task and finish groups. NSPCC Implementation Checklist: example postcard and Strategic Set 3',
     "The evaluation's set-up meetings planned for 'sustaining implementation beyond the project', and authorities relied on continuing task and finish groups, senior buy-in and dedicated coordinators once the learning sets ended. The postcard's question on how momentum will be sustained and Strategic Set 3's questions on owning the plan point the same way.",
     "The evaluation's set-up meetings planned for 'sustaining implementation beyond the project', and authorities relied on continuing task and finish groups, senior buy-in and dedicated coordinators once the learning sets ended. The postcard's question on how momentum will be sustained and Strategic Set 3's questions on owning the plan point the same way.", True),
    (3, 2, 'Reconstructed from 000_a8735e86fa4319d0.txt lines 832–833, 902–903 and 1707–1731 (Strategic Set 3: milestones, ownership, resilience); 004_a7d9c97ca7fe9140.txt lines 1720, 1727–1737 and 2739–2744',
     'NSPCC Implementation Checklist: Phase 1, task 16; Phase 2, task 12; Strategic Set 3. Bristol evaluation: barriers to implementation',
     'Phase 2 task 12 produces a 12–24 month plan that has to be reviewed beyond Phase 2; Strategic Set 3 asks who owns and reviews the plan and how to make it resilient, and the evaluation lists capacity, turnover and competing initiatives as barriers.',
     'Phase 2 task 12 produces a 12–24 month plan that has to be reviewed beyond Phase 2; Strategic Set 3 asks who owns and reviews the plan and how to make it resilient, and the evaluation lists capacity, turnover and competing initiatives as barriers.', True),
    (3, 3, 'Reconstructed from 000_a8735e86fa4319d0.txt lines 866 (Phase 2 task 3) and 1965–2024 (Enfield example); 004_a7d9c97ca7fe9140.txt lines 247–248, 1617–1619, 1727–1737 and 2606–2607; 003_cf9ae8fd01589b53.txt (local guidance example)',
     'NSPCC Implementation Checklist: Phase 2, task 3; Annex 9 (the Enfield example). Bristol evaluation: barriers, and recommendations on supervision and reviews. Camden reunification practice guidance: the whole guidance, as an example',
     "The evaluation found uncertainty over how the Framework sat alongside existing assessments and processes was a barrier, and recommended reflective supervision and discussion of reunification at LAC reviews. Enfield's integration of practice with its recording system and appraisals shows how to embed it.",
     "The evaluation found uncertainty over how the Framework sat alongside existing assessments and processes was a barrier, and recommended reflective supervision and discussion of reunification at LAC reviews. Enfield's integration of practice with its recording system and appraisals shows how to embed it.", True),
    (3, 4, 'Reconstructed from 000_a8735e86fa4319d0.txt lines 868–871 (Phase 2 task 4), 1930–2024 (Annex 9) and 2060–2061; 004_a7d9c97ca7fe9140.txt lines 1720, 1767–1778, 2540–2549 and 2730–2737',
     'NSPCC Implementation Checklist: Phase 2, task 4; Annex 9; Annex 10 (a rolling programme). Bristol evaluation: staff turnover, training and research teaching',
     "Annex 10 asks for a rolling programme so new staff understand the approach; the evaluation names staff turnover as a barrier, found key research findings were not learned from reading alone, and reports managers' interest in train-the-trainer and multi-agency training.",
     "Annex 10 asks for a rolling programme so new staff understand the approach; the evaluation names staff turnover as a barrier, found key research findings were not learned from reading alone, and reports managers' interest in train-the-trainer and multi-agency training.", True),
    (3, 5, "Reconstructed from 004_a7d9c97ca7fe9140.txt lines 93–96, 1690–1700, 1722, 1754–1756, 1767–1778 and 2483–2491; 000_a8735e86fa4319d0.txt lines 1505–1512 and 1819 (practice set 'champions')",
     'Bristol evaluation: champions, Advanced Practitioners and plans after the project. NSPCC Implementation Checklist: example postcard; Practice Set 2 (practice set champions)',
     "The evaluation found that champions in LAC teams and IRO services and the use of Advanced Practitioners helped the Framework get accepted, and managers proposed 'a network of champions' and mentoring to continue after the project. The postcard and Practice Set 2 describe practice staff acting as champions.",
     "The evaluation found that champions in LAC teams and IRO services and the use of Advanced Practitioners helped the Framework get accepted, and managers proposed 'a network of champions' and mentoring to continue after the project. The postcard and Practice Set 2 describe practice staff acting as champions.", True),
    (3, 6, 'Reconstructed from 000_a8735e86fa4319d0.txt lines 822–824 and 873–875 (Phase 1 task 14, Phase 2 task 5); 004_a7d9c97ca7fe9140.txt lines 1785–1800 (cherry-picking), 2485–2491 and 2544–2546 (chronology audits); 002_4067803ff3368800.txt lines 223–253 (key elements of practice)',
     'NSPCC Implementation Checklist: Phase 1, task 14; Phase 2, task 5. Bristol evaluation: cherry-picking, quality assurance and chronology audits. Reunification Practice Framework slides: key elements of practice',
     "Quality assurance against the essential components is set up in Phases 1 and 2 and has to continue once the Framework is mainstream; the evaluation raised the risk of 'cherry-picking' parts of the Framework, and managers planned reunification QA, IRO follow-up and chronology audits.",
     "Quality assurance against the essential components is set up in Phases 1 and 2 and has to continue once the Framework is mainstream; the evaluation raised the risk of 'cherry-picking' parts of the Framework, and managers planned reunification QA, IRO follow-up and chronology audits.", True),
    (3, 7, 'Reconstructed from 000_a8735e86fa4319d0.txt lines 1210–1260 (Annex 2 part 2) and 1262–1456 (Annex 3); 004_a7d9c97ca7fe9140.txt lines 1658–1663, 2300–2332, 2504–2511 and 2629–2636; 001_986c4d1aad8a2233.txt lines 156–157 and 253–260',
     "NSPCC Implementation Checklist: Annex 2, ongoing tracking; Annex 3. Bristol evaluation: managers' plans for tracking outcomes and costs; Ofsted's requests. Home again (national survey): national re-entry rates and what authorities monitor",
     "Annex 2 part 2 is titled 'Ongoing tracking' and sets questions for continuing monitoring; the evaluation reports managers planning to track breakdowns, long-term outcomes and cost savings, and that Ofsted requested several years of reunification data.",
     "Annex 2 part 2 is titled 'Ongoing tracking' and sets questions for continuing monitoring; the evaluation reports managers planning to track breakdowns, long-term outcomes and cost savings, and that Ofsted requested several years of reunification data.", True),
    (3, 8, 'Reconstructed from 000_a8735e86fa4319d0.txt lines 636–690 (services), 884–891 (Phase 2 task 8) and 1948–1951 (feedback loops to commissioners); 004_a7d9c97ca7fe9140.txt lines 1740–1742, 2491–2495 and 2706–2722',
     'NSPCC Implementation Checklist: services for families; Phase 2, task 8; Annex 9 (feedback loops to commissioners). Bristol evaluation: commissioning and service contracts',
     'The evaluation found managers working to get reunification written into service contracts and commissioning, noted that contract changes take a long time and that eligibility often ended after Section 20 returns; Phase 2 task 8 and the Annex 9 skills list (feedback loops to commissioners) point to a lasting commissioning role.',
     'The evaluation found managers working to get reunification written into service contracts and commissioning, noted that contract changes take a long time and that eligibility often ended after Section 20 returns; Phase 2 task 8 and the Annex 9 skills list (feedback loops to commissioners) point to a lasting commissioning role.', True),
    (3, 9, 'Reconstructed from 000_a8735e86fa4319d0.txt lines 877–879 (Phase 2 task 6) and 2025–2061 (Annex 10); 004_a7d9c97ca7fe9140.txt lines 1708–1713, 1739, 1742–1748 and 1754–1760',
     'NSPCC Implementation Checklist: Phase 2, task 6; Annex 10. Bristol evaluation: facilitators and barriers on engagement',
     'Annex 10 asks for a rolling engagement programme with opportunities for feedback; the evaluation cites briefing the Corporate Parenting Board and safeguarding and trust boards as a facilitator, and lack of buy-in from partners, courts and CAFCASS as a barrier.',
     'Annex 10 asks for a rolling engagement programme with opportunities for feedback; the evaluation cites briefing the Corporate Parenting Board and safeguarding and trust boards as a facilitator, and lack of buy-in from partners, courts and CAFCASS as a barrier.', True),
]

# (phase, task, old guidance, new guidance, old lead, new lead) for the tasks whose text was
# corrected: guidance that said more than its sources, and leads the Checklist names.
GUIDANCE = [
    (1, 7,
     'Check whether families can actually get the help the Framework expects, and open discussions with commissioners early. Points to test:\n\n- whether drug and alcohol services for parents are adequate\n- whether parents lose access to parenting support once their child is looked after\n- whether children, including those leaving Section 20 accommodation, keep access to CAMHS and other services once they stop being looked after\n- whether housing is available for families preparing for a return\n\nGaps other authorities found most often: emotional and behavioural support for children, services for adolescents, direct parent–child work and adult mental health.',
     'Check whether families can actually get the help the Framework expects, and open discussions with commissioners early. Points to test:\n\n- whether drug and alcohol services for parents are adequate\n- whether parents lose access to parenting support once their child is looked after\n- whether children, including those leaving Section 20 accommodation, keep access to CAMHS and other services once they stop being looked after\n- whether housing is available for families when a child is returning home\n\nGaps the Checklist reports in services for these families include emotional and behavioural support for children, services for adolescents, direct parent–child work and adult mental health.',
     'Head of Service (Children in Need / Family Support)', 'Head of Service (Children in Need / Family Support)'),
    (1, 8,
     "The Assistant Director or Director of Children's Services should write to relevant staff explaining why the authority is adopting the Framework, what is expected of them, and how it connects with existing priorities and ways of working. Use the message to invite volunteers for the implementation team(s). Leeds's one-minute guide, circulated across its LSCB partnership, is an example (Annex 4).",
     "The Assistant Director or Director of Children's Services should write to relevant staff explaining why the authority is adopting the Framework, what is expected of them, and how it connects with existing priorities and ways of working. Use the message to invite volunteers for the implementation team(s). Leeds's one-minute guide, circulated across its LSCB partnership, is an example (Annex 4).",
     'Assistant Director', "Assistant Director / Director of Children's Services"),
    (1, 9,
     'Form the group(s) that will steer implementation and agree that they meet regularly for the whole process. At strategic level the minimum membership is:\n\n- Assistant Director\n- Heads of Service for Looked After Children and for Children in Need / Family Support, with their key managers\n- Principal Social Worker\n- Workforce development manager\n- IRO lead\n- Fostering manager\n- Data / performance manager\n\nAnnex 5 suggests others to involve at strategic and practice level. In the Bristol evaluation, strategic groups also drew in legal services, commissioners, CAFCASS and residential care managers.',
     'Form the group(s) that will steer implementation and agree that they meet regularly for the whole process. At strategic level the minimum membership is:\n\n- Assistant Director\n- Heads of Service for Looked After Children and for Children in Need / Family Support, with their key managers\n- Principal Social Worker\n- Workforce development manager\n- IRO lead\n- Fostering manager\n- Data / performance manager\n\nAnnex 5 suggests others to involve at strategic and practice level. In the Bristol evaluation every strategic set also included a local authority legal representative, and some included CAFCASS, commissioners and the manager of residential care services.',
     'Assistant Director', 'Assistant Director'),
    (1, 10,
     'Every member must read the Framework in full beforehand (allow two to three hours) and attend a briefing or training session on its rationale and on what implementing it involves. Use the first meetings to win commitment and build a shared view of how the Framework will lead to better results for children, their families and the authority. See Annex 7; in the evaluated authorities, sets of about four hours ran at least six working weeks apart, with action lists circulated within two days.',
     "Every member must read the Framework and attend a briefing or training session on its rationale and on what implementing it involves; the Checklist's learning-set guidance says reading it takes a couple of hours. Use the first meetings to win commitment and build a shared view of how the Framework will improve outcomes for children, their families and the authority. See Annex 7. In the evaluated authorities the sets lasted about four hours and were at least six working weeks apart, and action lists were circulated within two days.",
     'Strategic group', 'Implementation team(s)'),
    (1, 11,
     'Settle the operating rules before pilot cases start, so staff are clear whether and how they may use the Framework. Agree the trigger points for using it, who signs off decisions and which panels cases go to, how support steps up and down, and which team holds the case as a child moves between looked after, child in need and child protection status. A simple flow chart helps; in one authority a Head of Service led a task and finish group to produce it.',
     "Settle the operating rules before pilot cases start, so staff are clear whether and how they may use the Framework: how cases are identified, how decisions are made, how support steps up and down, and which team holds the case as it moves on. A flow chart of the decision-making process helps; in the Checklist's example postcard, practice staff asked the strategic group for one.",
     'Head of Service (Looked After Children)', 'Head of Service (Looked After Children)'),
    (1, 12,
     "Pick teams with the capacity and management support to try the Framework and report back. The Framework recommends that a second worker, who does not meet the family, writes the analytical case history and joins the decision; uncertainty over who this would be was a common barrier, so decide it now. Also decide who provides support after return, typically the child's social worker with family support workers.",
     'Pick the teams that will use the Framework on the first cases. The Framework recommends that a second worker writes the analytical case history; uncertainty over who this would be was a barrier in the evaluated authorities, so decide it now. Also decide who supports children and parents after the return home.',
     'Head of Service (Looked After Children)', 'Head of Service (Looked After Children)'),
    (1, 14,
     "Decide how, how often and by whom cases will be checked against the Framework's essential components (for example through case audit, supervision and IRO oversight). The key elements of practice include:\n\n- assessment of risk and protective factors and of parental capacity to change, using research evidence\n- an analytical chronology / case history and reflective case supervision\n- written agreements with SMART goals for parents\n- support and services before and after return, and multi-agency plans with contingencies\n- assessments for Section 20 children, including when the arrangement is ended by the parent or child\n- case outcomes tracked and reviewed",
     "Confirm how cases will be quality assured against the Framework's essential components. The Framework slides list its key elements of practice:\n\n- assessment of risk and protective factors, and of parental capacity to change\n- use of research evidence\n- an analytical chronology / case history\n- reflective case supervision\n- relationship-based work with children and families\n- the child or young person has a trusted adult\n- written agreements and SMART goals created with parents\n- support and services for children and families before and after return (including foster and residential carers, schools and informal support)\n- multi-agency reunification plans with contingencies\n- assessments completed on Section 20 children and young people, including when the child or parent ends the arrangement\n- outcomes of cases tracked and reviewed",
     'Head of Service (Looked After Children)', 'Head of Service (Looked After Children)'),
    (1, 15,
     'Identify everyone who needs to know about or take part in the pilot: frontline teams, IROs, foster and residential carers, legal services, courts and CAFCASS, schools, CAMHS and adult services. For each, consider how the Framework helps them, where resistance may come from and which channels work best. See Annex 10.',
     'List the key stakeholders who need to be involved in the pilot stage and begin an engagement strategy. Annex 10 suggests listing all the stakeholders, thinking how the Framework could benefit each of them, where resistance may come from and how to mitigate it, and which communication methods work best, such as briefings or seminars.',
     'Communications lead', 'Someone the strategic lead appoints, or a task and finish group'),
    (1, 16,
     'Barriers reported by authorities that implemented the Framework:\n\n- caseload pressure, rising referrals and staff turnover\n- uncertainty about who acts as the second worker / chronologist\n- unclear fit with existing assessments, processes and other initiatives\n- mixed messages about who may start using the Framework\n- service gaps and slow changes to contracts\n- limited buy-in from IROs, the Principal Social Worker, CAMHS, courts or CAFCASS\n\nGive each likely obstacle a named owner and a mitigation.',
     "Anticipate obstacles and plan how to mitigate them. Barriers reported by the authorities in the evaluation:\n\n- capacity: rising referrals and caseloads, and staff turnover\n- the need to embed practice, particularly with team managers\n- unclear fit with existing assessments, processes and other initiatives\n- unclear role for the chronologist (who, when and how)\n- unclear timescales for rolling the Framework out more widely\n- helping courts and CAFCASS to understand the Framework\n- changing the commissioning of services, where contract changes take a long time\n- in some authorities, limited buy-in from IROs, the Principal Social Worker, CAMHS, children's guardians or schools",
     'Strategic group', 'Strategic group'),
    (2, 2,
     "Keep a fixed cycle of review meetings for as long as implementation lasts, with a short check-in between meetings to deal with problems. Treat the pilot group's feedback as the main agenda item and agree or reject proposed changes promptly. Compare case outcomes with the indicators agreed in Phase 1 (task 4), and fix any gaps in the case data early.",
     'Hold regular review meetings throughout implementation. Review the changes to processes or systems that the pilot group suggests, and review progress and case outcomes against the agreed outcome indicators, checking that you are getting the case data you need. Between learning sets the Checklist also asks the strategic lead to hold a mid-way review to reflect on progress, deal with problems and plan the next stages.',
     'Strategic group', 'Strategic group'),
    (2, 4,
     'Ask the training or practice leads for a continuing programme, not a single event, covering briefings, mentoring and supervision support for key staff, with specific help for team managers to supervise Framework cases. Build on what the pilot has shown staff find hard (for example chronologies or written agreements). See Annex 9 for the skills involved.',
     'Ask the training or practice leads for a continuing programme, not a single event, covering briefings, mentoring and supervision support for key staff, with specific help for team managers to supervise Framework cases. Build on what the pilot has shown staff find hard: in the evaluation, practitioners found writing chronologies took time and skill. See Annex 9 for the skills involved.',
     'Training / practice leads', 'Training / practice leads'),
]

# (phase, position, old basis, new basis) for the outcomes whose basis changed.
OUTCOMES = [
    (3, 1, "Evaluation finding that more work was needed to embed the Framework into everyday practice after the project (004, lines 280–285 and 2739–2744); completes Phase 2's scale-up and launch (000, lines 893–900).",
     "Evaluation finding that more work was needed to embed the Framework into everyday practice after the project; completes Phase 2's scale-up and launch."),
    (3, 2, "Set-up meeting item 'sustaining implementation beyond the project' (004, line 451) and task and finish groups continuing after the learning sets (004, lines 1752–1756); follows Phase 2 task 12 (000, lines 902–903).",
     "Set-up meeting item 'sustaining implementation beyond the project' and task and finish groups continuing after the learning sets; follows Phase 2 task 12."),
    (3, 3, "Barriers on unclear fit with existing processes (004, lines 1727–1737) and Enfield's integration of practice with the case recording system and appraisals (000, lines 1965–2024).",
     "Barriers on unclear fit with existing processes and Enfield's integration of practice with the case recording system and appraisals."),
    (3, 4, "Annex 10's call for a rolling programme so new staff understand the approach (000, lines 2060–2061), staff turnover as a barrier (004, line 1720) and the need for direct teaching on research findings (004, lines 2733–2737).",
     "Annex 10's call for a rolling programme so new staff understand the approach, staff turnover as a barrier and the need for direct teaching on research findings."),
    (3, 5, 'Continuation of Phase 1 task 14 and Phase 2 task 5 (000, lines 822–824, 873–875); managers planning quality assurance for reunification (004, lines 2485–2488).',
     'Continuation of Phase 1 task 14 and Phase 2 task 5; managers planning quality assurance for reunification.'),
    (3, 6, 'Annex 2 part 2 ongoing-tracking questions (000, lines 1210–1260) and Annex 3 costs (000, lines 1262–1456); evaluation findings on monitoring breakdowns and tracking cost savings (004, lines 2300–2321).',
     'Annex 2 part 2 ongoing-tracking questions and Annex 3 costs; evaluation findings on monitoring breakdowns and tracking cost savings.'),
    (3, 7, 'Evaluation findings on service contracts including reunification and on eligibility ending after Section 20 returns (004, lines 2706–2718); follows Phase 2 task 8 (000, lines 884–891).',
     'Evaluation findings on service contracts including reunification and on eligibility ending after Section 20 returns; follows Phase 2 task 8.'),
    (3, 8, 'Facilitators and barriers on briefing boards, buy-in from partner agencies, courts and CAFCASS (004, lines 1708–1713, 1739, 1742–1748) and Annex 10 (000, lines 2025–2061).',
     'Facilitators and barriers on briefing boards, buy-in from partner agencies, courts and CAFCASS and Annex 10.'),
]

AGENDA_ITEM_BASES = [
    ("The learning sets start by reviewing the actions from the last meeting (000, Strategic "
     "Set 2, lines 1667–1671).",
     "The learning sets start by reviewing the actions from the last meeting (Strategic Set 2)."),
    ("Phase 2 task 7 asks the strategic group to use multi-agency forums to resolve issues "
     "raised by pilot cases (000, lines 881–882).",
     "Phase 2 task 7 asks the strategic group to use multi-agency forums to resolve issues "
     "raised by pilot cases."),
]


# (meeting kind, item title, basis): items of agendas Homeward wrote, and Practice Set 2's
# reworded last item, which meetings made before now copied without the mark.
HOMEWARD_ITEMS = [
    ('midway_review', 'Progress since the last learning set',
     "The Checklist and the Bristol evaluation describe the mid-way review (a call between the strategic lead and the NSPCC lead, between each pair of sets) but give it no agenda. These items restate its three stated purposes, plus the NSPCC lead's practice of sharing information with participants between sets."),
    ('midway_review', 'Problems, and how to deal with them',
     "The Checklist and the Bristol evaluation describe the mid-way review (a call between the strategic lead and the NSPCC lead, between each pair of sets) but give it no agenda. These items restate its three stated purposes, plus the NSPCC lead's practice of sharing information with participants between sets."),
    ('midway_review', 'Planning the next stages and the next set',
     "The Checklist and the Bristol evaluation describe the mid-way review (a call between the strategic lead and the NSPCC lead, between each pair of sets) but give it no agenda. These items restate its three stated purposes, plus the NSPCC lead's practice of sharing information with participants between sets."),
    ('midway_review', 'Information to share with participants before the next set',
     "The Checklist and the Bristol evaluation describe the mid-way review (a call between the strategic lead and the NSPCC lead, between each pair of sets) but give it no agenda. These items restate its three stated purposes, plus the NSPCC lead's practice of sharing information with participants between sets."),
    ('task_and_finish', "The group's task, and what finished will look like",
     "The Checklist and the Bristol evaluation mention task and finish groups (one set up from a practice group's request; several carrying work on after the last learning sets) but give no agenda. These items are the usual shape of such a meeting."),
    ('task_and_finish', 'Progress since the last meeting',
     "The Checklist and the Bristol evaluation mention task and finish groups (one set up from a practice group's request; several carrying work on after the last learning sets) but give no agenda. These items are the usual shape of such a meeting."),
    ('task_and_finish', 'Barriers, and decisions needed from the steering group',
     "The Checklist and the Bristol evaluation mention task and finish groups (one set up from a practice group's request; several carrying work on after the last learning sets) but give no agenda. These items are the usual shape of such a meeting."),
    ('task_and_finish', 'Actions, and the next meeting',
     "The Checklist and the Bristol evaluation mention task and finish groups (one set up from a practice group's request; several carrying work on after the last learning sets) but give no agenda. These items are the usual shape of such a meeting."),
    ('practice_set', 'Individual and group actions, and the postcard to the strategic group',
     "The Checklist's agenda reads 'Individual and group actions + postcard to practice group'. A practice set writes its postcard to the strategic group, so Homeward changed the wording."),
]


def upgrade():
    with op.batch_alter_table('checklist_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('responsible_suggested', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action_list_working_days', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    task = sa.table('checklist_task', sa.column('phase', sa.Integer),
                    sa.column('number', sa.Integer), sa.column('is_local', sa.Boolean),
                    sa.column('source', sa.String), sa.column('basis', sa.Text),
                    sa.column('responsible_suggested', sa.Boolean))
    for phase, number, old_source, source, old_basis, basis, suggested in TASKS:
        copy = (task.c.phase == phase) & (task.c.number == number) & task.c.is_local.is_(False)
        op.execute(task.update().where(copy).values(responsible_suggested=suggested))
        op.execute(task.update().where(copy & (task.c.source == old_source))
                   .values(source=source))
        if old_basis != basis:
            op.execute(task.update().where(copy & (task.c.basis == old_basis))
                       .values(basis=basis))
    task_text = sa.table('checklist_task', sa.column('phase', sa.Integer),
                         sa.column('number', sa.Integer), sa.column('is_local', sa.Boolean),
                         sa.column('guidance', sa.Text), sa.column('responsible', sa.String))
    for phase, number, old_guidance, guidance, old_lead, lead in GUIDANCE:
        copy = ((task_text.c.phase == phase) & (task_text.c.number == number)
                & task_text.c.is_local.is_(False))
        # Stored guidance may differ from the file's only by the trailing newline it kept.
        op.execute(task_text.update().where(copy & task_text.c.guidance.in_(
            [old_guidance, old_guidance + "\n"])).values(guidance=guidance))
        op.execute(task_text.update().where(copy & (task_text.c.responsible == old_lead))
                   .values(responsible=lead))
    outcome = sa.table('phase_outcome', sa.column('phase', sa.Integer),
                       sa.column('position', sa.Integer), sa.column('basis', sa.Text))
    for phase, position, old_basis, basis in OUTCOMES:
        op.execute(outcome.update().where((outcome.c.phase == phase)
                                          & (outcome.c.position == position)
                                          & (outcome.c.basis == old_basis))
                   .values(basis=basis))
    item = sa.table('agenda_item', sa.column('basis', sa.Text))
    for old_basis, basis in AGENDA_ITEM_BASES:
        op.execute(item.update().where(item.c.basis == old_basis).values(basis=basis))
    marked = sa.table('agenda_item', sa.column('meeting_id', sa.Integer),
                      sa.column('title', sa.String), sa.column('reconstructed', sa.Boolean),
                      sa.column('basis', sa.Text))
    meeting = sa.table('meeting', sa.column('id', sa.Integer), sa.column('kind', sa.String))
    for kind, title, basis in HOMEWARD_ITEMS:
        of_kind = sa.select(meeting.c.id).where(meeting.c.kind == kind).scalar_subquery()
        op.execute(marked.update()
                   .where(marked.c.meeting_id.in_(of_kind), marked.c.title == title,
                          marked.c.reconstructed.is_(False))
                   .values(reconstructed=True, basis=basis))


def downgrade():
    # The corrected citations are kept: the old ones named files users should never see.
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('action_list_working_days')

    with op.batch_alter_table('checklist_task', schema=None) as batch_op:
        batch_op.drop_column('responsible_suggested')
