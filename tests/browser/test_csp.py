"""The CSP blocks nothing on any page: every portal page, Django admin (including the pages with
widgets and guardian's permission pages), Swagger UI at /api/v1/docs/, the browsable API, the
log-in page and the public survey page, walked in chromium. A violation would mean a page needs
inline script or style (which the CSP refuses) and is broken for its users."""

import pytest
from playwright.sync_api import expect

from support.survey import survey_token
from tests.factories import ContactFactory, CustomerFactory
from tests.sales.factories import OpportunityFactory, OrderFactory, ProductFactory
from tests.support.factories import FeedbackFactory, TicketFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects what the browser reports as blocked, in the page itself (not only the console).
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def records(org, sales_rep, support_rep):
    customer = CustomerFactory(name="Customer C", owner=sales_rep)
    contact = ContactFactory(customer=customer)
    product = ProductFactory()
    ticket = TicketFactory(customer=customer, team=org["support_team"], subject="Printer")
    FeedbackFactory(customer=customer, ticket=ticket)
    return {
        "customer": customer,
        "contact": contact,
        "opportunity": OpportunityFactory(customer=customer),
        "order": OrderFactory(customer=customer, lines=[(product, 1)]),
        "ticket": ticket,
        "team": org["support_team"],
    }


def visit(page, path: str, *, status: int = 200) -> list[str]:
    response = page.goto(path)
    assert response.status == status, f"{path}: {response.status}"
    page.wait_for_load_state("load")
    return [f"{path}: {violation}" for violation in page.evaluate("window.__cspViolations || []")]


def test_no_page_needs_inline_code(page, log_in, records, admin, password):
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    c, ct, o, r, t = (records[name].pk for name in ("customer", "contact", "opportunity", "order", "ticket"))
    anonymous_pages = ["/login/", f"/support/survey/{survey_token(records['ticket'])}/"]
    portal_pages = [
        "/",
        "/customers/",
        f"/customers/{c}/",
        f"/customers/{c}/edit/",
        "/customers/new/",
        f"/customers/{c}/shares/",
        f"/customers/{c}/reassign/",
        f"/customers/{c}/delete/",
        f"/customers/{c}/contacts/new/",
        f"/customers/{c}/contacts/{ct}/edit/",
        "/sales/pipeline/",
        "/sales/opportunities/",
        "/sales/opportunities/new/",
        f"/sales/opportunities/{o}/",
        f"/sales/opportunities/{o}/edit/",
        f"/sales/opportunities/{o}/delete/",
        "/sales/orders/",
        "/sales/orders/new/",
        f"/sales/orders/{r}/",
        f"/sales/orders/{r}/delete/",
        "/sales/products/",
        "/support/queues/all/",
        "/support/queues/team/",
        "/support/tickets/new/",
        f"/support/tickets/{t}/",
        "/support/feedback/",
        f"/support/feedback/new/?ticket={t}",
        "/password/",
    ]
    admin_pages = [
        "/admin/",
        "/admin/crm/customer/",
        f"/admin/crm/customer/{c}/change/",
        f"/admin/crm/customer/{c}/permissions/",
        f"/admin/crm/customer/{c}/permissions/user-manage/{records['customer'].owner_id}/",
        f"/admin/crm/customer/{c}/permissions/group-manage/{records['team'].group_id}/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{records['customer'].owner_id}/change/",
        f"/admin/accounts/team/{records['team'].pk}/change/",
        "/admin/accounts/team/add/",
        "/admin/support/ticket/",
        f"/admin/support/ticket/{t}/change/",
        "/admin/support/slapolicy/",
        "/admin/axes/accessattempt/",
        "/admin/authtoken/tokenproxy/",
        "/admin/crm/taskfailure/",
        "/admin/sales/product/add/",
        "/api/v1/",
        "/api/v1/customers/",
    ]
    violations = visit(page, "/support/survey/forged/", status=400)
    for path in anonymous_pages:
        violations += visit(page, path)
    log_in(admin, password)
    for path in portal_pages + admin_pages:
        violations += visit(page, path)

    page.goto("/api/v1/docs/")
    expect(page.locator("#swagger-ui .info")).to_contain_text("CRM API", timeout=15_000)
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
    violations += [f"/api/v1/docs/: {item}" for item in page.evaluate("window.__cspViolations || []")]

    assert violations == [], "\n".join(violations)
    assert page.csp_violations == []
