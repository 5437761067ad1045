#!/usr/bin/env bash
# One invoice through both cartables with curl (README "Walk an invoice through the API").
# Needs `make run` in another terminal (demo data) and curl + jq. Run: bash docs/walkthrough.sh
set -euo pipefail
API=${API:-http://127.0.0.1:${CARTABLE_PORT:-8000}/api/v1}
login() {  # print a bearer token for a demo user (password = user name)
  curl -sf -X POST "$API/auth/token" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"$1\"}" | jq -r .token
}
CLERK=$(login clerk); APPROVER=$(login approver); NUMBERER=$(login numberer)

# 1. The clerk writes a draft invoice: «میز قابل تنظیم» × 1 at 90,000,000 Rial for «علیرضا سامری».
CONTACT=$(curl -sf -G "$API/contacts" --data-urlencode "q=علیرضا سامری" \
  -H "Authorization: Bearer $CLERK" | jq '.[0].id')
PRODUCT=$(curl -sf -G "$API/products" --data-urlencode "q=میز قابل تنظیم" \
  -H "Authorization: Bearer $CLERK" | jq '.[0].id')
DOC=$(curl -sf -X POST "$API/documents" -H "Authorization: Bearer $CLERK" \
  -H 'Content-Type: application/json' \
  -d "{\"type\": \"sales_invoice\", \"contact_id\": $CONTACT,
       \"lines\": [{\"product_id\": $PRODUCT, \"quantity\": \"1\", \"unit_price\": \"90000000\"}]}")
ID=$(echo "$DOC" | jq .id)
echo "draft $ID, totals: $(echo "$DOC" | jq -c .totals)"   # total 98100000 with 9% tax

# 2. Submit it: it enters the approval cartable.
curl -sf -X POST "$API/documents/$ID/submit" -H "Authorization: Bearer $CLERK" | jq -r .state

# 3. The approver finds it in the approval cartable, claims and approves it.
TASK=$(curl -sf "$API/tasks?cartable=approval" -H "Authorization: Bearer $APPROVER" \
  | jq --argjson id "$ID" '[.[] | select(.document_id == $id)][0].id')
curl -sf -X POST "$API/tasks/$TASK/claim" -H "Authorization: Bearer $APPROVER" > /dev/null
curl -sf -X POST "$API/tasks/$TASK/complete" -H "Authorization: Bearer $APPROVER" \
  -H 'Content-Type: application/json' -d '{"decision": "approve", "comment": "تأیید شد"}' \
  | jq -r .document_state

# 4. The numberer numbers it in the numbering cartable: it is posted with its number.
TASK=$(curl -sf "$API/tasks?cartable=numbering" -H "Authorization: Bearer $NUMBERER" \
  | jq --argjson id "$ID" '[.[] | select(.document_id == $id)][0].id')
curl -sf -X POST "$API/tasks/$TASK/complete" -H "Authorization: Bearer $NUMBERER" \
  -H 'Content-Type: application/json' -d '{"decision": "approve"}' > /dev/null
curl -sf "$API/documents/$ID" -H "Authorization: Bearer $CLERK" \
  | jq -c '{state, number, due_date, total: .totals.total}'
curl -sf "$API/documents/$ID/history" -H "Authorization: Bearer $CLERK" | jq -r '.[].action'
