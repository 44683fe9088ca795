package org.headend.control.tunnel;

import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.PolicyAttribute;

/**
 * The group-policy's browser proxy settings in the CONNECT answer, as the ASA sends them: {@code msie-proxy pac-url}
 * as {@code X-CSTP-MSIE-Proxy-PAC-URL} (openconnect hands it to its script as {@code CISCO_PROXY_PAC}) and
 * {@code msie-proxy lockdown} as {@code X-CSTP-MSIE-Proxy-Lockdown} (the client hides the browser's proxy settings
 * while connected, seed 003:121-144). Nothing is sent for what the policy does not set: the client keeps its own.
 */
final class BrowserProxy
{
    private BrowserProxy()
    {
    }

    static void announce(final ConnectAnswer answer, final EffectivePolicy policy)
    {
        final String pac = policy.get(PolicyAttribute.MSIE_PROXY_PAC_URL);
        if (!pac.isEmpty())
        {
            answer.header("X-CSTP-MSIE-Proxy-PAC-URL", pac);
        }
        if (policy.isSet(PolicyAttribute.MSIE_PROXY_LOCKDOWN))
        {
            answer.header("X-CSTP-MSIE-Proxy-Lockdown", policy.get(PolicyAttribute.MSIE_PROXY_LOCKDOWN));
        }
    }
}
