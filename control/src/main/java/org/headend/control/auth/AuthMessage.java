package org.headend.control.auth;

import java.util.Map;

/**
 * One client {@code <config-auth>} document, reduced to the fields the headend acts on. Parsed by
 * {@link AuthXml#parse}; empty elements are absent (null), as both client families send unused fields empty.
 *
 * @param type         the root's {@code type}: {@code init}, {@code auth-reply}, {@code logout}, …
 * @param clientVersion {@code <version who="vpn">}
 * @param deviceId     {@code <device-id>} text ({@code linux-64}, {@code win}, …)
 * @param groupSelect  {@code <group-select>}: the tunnel-group the client asks for
 * @param groupAccess  {@code <group-access>}: the URL the user typed
 * @param handle       the echoed {@code <opaque><aggauth-handle>}
 * @param authFields   the children of {@code <auth>} by element name ({@code username}, {@code password}, …)
 * @param sessionToken {@code <session-token>} (logout)
 */
public record AuthMessage(
    String type,
    String clientVersion,
    String deviceId,
    String groupSelect,
    String groupAccess,
    String handle,
    Map<String, String> authFields,
    String sessionToken)
{
    public String field(final String name)
    {
        return authFields.get(name);
    }
}
