"""The bookings pages, one module per subject: `calendar` (an instrument's week, booking, my bookings,
approvals), `manage` (an instrument's managers: one small view per form), `feeds` (ICS calendar addresses),
`orders` (service orders) and `statements` (monthly statements, platform usage). Each view parses, calls a
service or a selector, and renders."""
