"""The Content Security Policy header (settings: CONTENT_SECURITY_POLICY)."""

from __future__ import annotations

from csp.middleware import CSPMiddleware

# Chrome shows a PDF in a viewer page of its own, which obeys the policy of the PDF's response:
# object-src 'none' or a style-src without 'unsafe-inline' leave it blank. A PDF runs none of
# our pages' code, so it goes without the header rather than weakening the policy for all.
WITHOUT_POLICY = ("application/pdf",)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(WITHOUT_POLICY):
            response._csp_exempt = True
            response._csp_exempt_ro = True
        return super().process_response(request, response)
