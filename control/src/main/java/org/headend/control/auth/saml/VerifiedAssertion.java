package org.headend.control.auth.saml;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a checked SAML response says: only values read from the one signed assertion.
 *
 * @param id           the assertion's ID (used once: see {@link ReplayCache})
 * @param nameId       the subject's NameID
 * @param inResponseTo the ID of our AuthnRequest it answers
 * @param expires      when the assertion stops being usable (the earliest of its time limits)
 * @param attributes   attribute name → values, in document order
 */
public record VerifiedAssertion(String id, String nameId, String inResponseTo, Instant expires,
    Map<String, List<String>> attributes)
{
    /** The values of {@code name} (compared ignoring case, as attribute-maps name them), empty when absent. */
    public List<String> values(final String name)
    {
        for (final Map.Entry<String, List<String>> entry : attributes.entrySet())
        {
            if (entry.getKey().equalsIgnoreCase(name))
            {
                return entry.getValue();
            }
        }
        return List.of();
    }
}
