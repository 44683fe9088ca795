package org.headend.perf.loadgen;

import java.net.URI;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One login as openconnect 9 runs it, without I/O (docs/protocol/auth-and-portal.md §2): the {@code init}, each
 * form answered (user name, password, a {@code challenge} step, hidden fields echoed, the wanted group chosen from
 * {@code group_list} — with a fresh {@code init} naming it when the server had another selected, flow B), the
 * cookies the server sets sent back on every request, and the session token taken from {@code complete}. Each
 * refusal or oddity ends the login as a named {@link Violation}.
 */
final class AuthConversation
{
    /** The next request: an auth POST of {@code body} to {@code path}, with {@code cookies} (or null). */
    record Post(String path, String cookies, String body)
    {
    }

    /** Login done: the {@code webvpn} cookie value for the CONNECT, and the certificate hash the server stated. */
    record Complete(String token, String serverCertHash)
    {
    }

    static final int MAX_STEPS = 10;

    private final String user;
    private final String password;
    private final String challengeAnswer;
    private final String group;
    private final String groupAccess;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private String path;
    private int steps;
    private boolean groupChosen;
    private boolean answered;

    /**
     * @param group       the tunnel group to pick (openconnect --authgroup), or null for the server's default
     * @param groupAccess the URL as the user gave it, for {@code <group-access>}
     * @param path        where the first POST goes ({@code /} or the group path)
     */
    AuthConversation(final String user, final String password, final String challengeAnswer, final String group,
        final String groupAccess, final String path)
    {
        this.user = user;
        this.password = password;
        this.challengeAnswer = challengeAnswer;
        this.group = group;
        this.groupAccess = groupAccess;
        this.path = path;
    }

    /** The first request: {@code init}, naming the wanted group already as openconnect does with --authgroup. */
    Post start()
    {
        return post(OpenconnectRequests.initBody(groupAccess, group));
    }

    /**
     * Reads one answer to the last POST.
     *
     * @return the next {@link Post}, or the {@link Complete} login
     * @throws Violation {@code auth_loop}, {@code auth_redirect}, {@code auth_http_NNN}, {@code auth_bad_xml},
     *                   {@code auth_fail} (the form came back with an error), {@code auth_denied} (a form without
     *                   fields), {@code group_not_offered}, {@code no_session_token}
     */
    Object onAnswer(final HttpResponse r) throws Violation
    {
        if (++steps > MAX_STEPS)
        {
            throw new Violation("auth_loop", steps + " auth exchanges");
        }
        if (r.status() >= 300 && r.status() < 400)
        {
            throw new Violation("auth_redirect", r.statusLine() + " to " + r.header("Location"));
        }
        if (r.status() != 200)
        {
            throw new Violation("auth_http_" + r.status(), r.statusLine());
        }
        absorbCookies(r);
        final AuthDocument d = AuthDocument.parse(r.bodyText());
        if (d.isSuccess())
        {
            final String token = d.sessionToken() != null ? d.sessionToken() : cookies.get("webvpn");
            if (token == null)
            {
                throw new Violation("no_session_token", "neither <session-token> nor Set-Cookie: webvpn");
            }
            return new Complete(token, d.serverCertHash());
        }
        if (d.error() != null && answered)
        {
            throw new Violation("auth_fail", d.error());
        }
        if (d.inputs().isEmpty() && d.selects().isEmpty())
        {
            throw new Violation("auth_denied", String.valueOf(d.error()));
        }
        String groupSelect = null;
        final AuthDocument.Select groups = d.groupList();
        if (group != null && groups != null)
        {
            final AuthDocument.Option wanted = groups.find(group);
            if (wanted == null)
            {
                throw new Violation("group_not_offered", group);
            }
            if (!wanted.selected() && !groupChosen)
            {
                // openconnect starts over with the chosen group: a new init carrying group-select (flow B)
                groupChosen = true;
                return post(OpenconnectRequests.initBody(groupAccess, wanted.value()));
            }
            groupChosen = true;
            groupSelect = wanted.value();
        }
        final List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (final AuthDocument.Input in : d.inputs())
        {
            final String name = in.name();
            switch (in.type())
            {
                case "text" -> fields.add(entry(name, name.equals("username") || name.equals("secondary_username")
                    ? user : ""));
                case "password" ->
                {
                    if (name.equals("verify_password") || name.equals("verify_pin"))
                    {
                        continue; // both clients leave these out
                    }
                    final String field = name.equals("answer") || name.equals("whichpin")
                        || name.equals("new_password") ? "password" : name;
                    fields.add(entry(field, d.isChallenge() || name.equals("secondary_password")
                        ? challengeAnswer : password));
                }
                case "hidden" -> fields.add(entry(name, in.value()));
                default ->
                {
                }
            }
        }
        for (final AuthDocument.Select s : d.selects())
        {
            fields.add(entry(s.name(), s == groups && groupSelect != null ? groupSelect : s.current().value()));
        }
        answered = true;
        if (d.action() != null)
        {
            final String actionPath = URI.create(d.action()).getRawPath();
            path = actionPath == null || actionPath.isEmpty() ? "/" : actionPath;
        }
        return post(OpenconnectRequests.authReplyBody(d.opaque(), fields, groupSelect));
    }

    private Post post(final String body)
    {
        return new Post(path, cookieHeader(), body);
    }

    private String cookieHeader()
    {
        if (cookies.isEmpty())
        {
            return null;
        }
        final StringBuilder b = new StringBuilder();
        cookies.forEach((k, v) -> b.append(b.isEmpty() ? "" : "; ").append(k).append('=').append(v));
        return b.toString();
    }

    private void absorbCookies(final HttpResponse r)
    {
        for (final String c : r.all("Set-Cookie"))
        {
            final int semi = c.indexOf(';');
            final String pair = semi < 0 ? c : c.substring(0, semi);
            final int eq = pair.indexOf('=');
            if (eq <= 0)
            {
                continue;
            }
            final String name = pair.substring(0, eq).strip();
            final String value = pair.substring(eq + 1).strip();
            // an empty value or a date in the past is how servers delete a cookie
            if (value.isEmpty() || c.toLowerCase(Locale.ROOT).contains("expires=thu, 01 jan 1970"))
            {
                cookies.remove(name);
            }
            else
            {
                cookies.put(name, value);
            }
        }
    }

    private static Map.Entry<String, String> entry(final String k, final String v)
    {
        return new AbstractMap.SimpleImmutableEntry<>(k, v);
    }
}
