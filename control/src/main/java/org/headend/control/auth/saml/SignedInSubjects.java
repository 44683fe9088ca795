package org.headend.control.auth.saml;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who logged in under which NameID at which IdP, for single logout: our LogoutRequest must name the user as the
 * IdP knows them, and the IdP's LogoutRequest names them so (the two differ when {@code username-attribute} picks
 * another attribute than the NameID). Bounded: beyond {@code capacity} pairs the oldest are forgotten, and a user
 * whose pair is forgotten is named by their user name. Thread-safe.
 */
final class SignedInSubjects
{
    private final int capacity;
    private final Map<String, String> nameIdByUser = new LinkedHashMap<>();
    private final Map<String, String> userByNameId = new LinkedHashMap<>();

    SignedInSubjects(final int capacity)
    {
        this.capacity = capacity;
    }

    synchronized void loggedIn(final String idp, final String nameId, final String username)
    {
        nameIdByUser.remove(idp + "\n" + username);
        nameIdByUser.put(idp + "\n" + username, nameId);
        userByNameId.remove(idp + "\n" + nameId);
        userByNameId.put(idp + "\n" + nameId, username);
        trim(nameIdByUser);
        trim(userByNameId);
    }

    /** The NameID {@code username} last logged in with at {@code idp}; the user name when unknown. */
    synchronized String nameIdOf(final String idp, final String username)
    {
        return nameIdByUser.getOrDefault(idp + "\n" + username, username);
    }

    /** The user who last logged in at {@code idp} as {@code nameId}; null when unknown. */
    synchronized String usernameOf(final String idp, final String nameId)
    {
        return userByNameId.get(idp + "\n" + nameId);
    }

    private void trim(final Map<String, String> map)
    {
        final Iterator<String> oldest = map.keySet().iterator();
        while (map.size() > capacity)
        {
            oldest.next();
            oldest.remove();
        }
    }
}
