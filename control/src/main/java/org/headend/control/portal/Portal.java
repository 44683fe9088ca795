package org.headend.control.portal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.headend.control.auth.AggregateAuth;
import org.headend.control.auth.saml.SamlServiceProvider;
import org.headend.control.auth.saml.SsoLogins;
import org.headend.control.auth.GroupSelection;
import org.headend.control.auth.PendingStep;
import org.headend.control.config.AnyconnectAsk;
import org.headend.control.config.ClientProfileRef;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.PolicyAttribute;
import org.headend.control.http.ClientInfo;
import org.headend.control.http.HttpAnswer;
import org.headend.control.http.HttpRequestView;
import org.headend.control.session.Session;
import org.headend.control.session.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser portal and the download paths (docs/protocol/auth-and-portal.md §4): login page, the page after
 * login (the {@code anyconnect ask} prompt, or the portal home), the download page for the visitor's platform,
 * logout; the web-deploy cache {@code /CACHE/stc/…}, the profiles, and the translation tables. Every answer comes
 * from memory: an exact path on an allow-list, then a lookup by exact name in {@link ClientFiles} or
 * {@link Translations}. A path that is not in normal form ({@code ..}, {@code //}, backslashes, {@code ;},
 * control or non-ASCII characters) is refused before any lookup. Control thread only.
 */
public final class Portal
{
    public static final String LOGON = "/+CSCOE+/logon.html";
    public static final String LOGIN_POST = "/+webvpn+/index.html";
    public static final String HOME = "/+CSCOE+/portal.html";
    public static final String DOWNLOAD = "/+CSCOE+/download.html";
    public static final List<String> LOGOUTS = List.of("/+webvpn+/webvpn_logout.html", "/+CSCOE+/logout.html");
    private static final Logger LOG = LoggerFactory.getLogger(Portal.class);
    private static final Pattern SLOT_PATH = Pattern.compile("/CACHE/stc/([1-9][0-9]{0,3})/(.+)");
    private static final Pattern PROFILE_PATH = Pattern.compile("/CACHE/stc/profiles/([^/]+)\\.xml(?::[0-9]{1,5})?");
    private static final Pattern CLEAN_PATH = Pattern.compile("(/[A-Za-z0-9_+][A-Za-z0-9._+:-]{0,127}){0,10}/?");
    private static final Set<String> PROBE_NAMES = Set.of("Windows", "Windows_ARM64", "Linux", "Linux_64",
        "Darwin_i386", "index.html");
    private static final long CSRF_TTL_NANOS = 15L * 60 * 1_000_000_000L;
    private static final int MAX_CSRF_TOKENS = 10_000;
    private static final String EXPIRED_COOKIE = "; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly";
    private static final String EMPTY_MANIFEST = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<vpn rev=\"1.0\">\n</vpn>\n";

    private final Supplier<HeadendConfig> config;
    private final AggregateAuth auth;
    private final SessionManager sessions;
    private final ClientFiles files;
    private final Translations translations;
    private final LongSupplier nanoClock;
    private final SecureRandom random = new SecureRandom();
    private final LinkedHashMap<String, Long> csrfTokens = new LinkedHashMap<>();
    private final Map<String, Asset> assets = new LinkedHashMap<>();
    /** (tunnel-group, user) → the IdP logout redirect of a SAML login, or null ({@link SsoLogins#logoutRedirect}). */
    private java.util.function.BinaryOperator<String> singleLogout = (group, user) -> null;
    /** Logins waiting for the answer to a server's question, by the id the challenge page carries. */
    private final PortalChallenges challenges;

    private record Asset(String type, byte[] bytes)
    {
    }

    public Portal(final Supplier<HeadendConfig> config, final AggregateAuth auth, final SessionManager sessions,
        final ClientFiles files, final Translations translations, final LongSupplier nanoClock)
    {
        this.config = config;
        this.auth = auth;
        this.sessions = sessions;
        this.files = files;
        this.translations = translations;
        this.nanoClock = nanoClock;
        this.challenges = new PortalChallenges(nanoClock);
        asset("/+CSCOE+/portal.css", "portal.css", "text/css; charset=utf-8");
        asset("/+CSCOE+/portal.js", "portal.js", "text/javascript; charset=utf-8");
    }

    /** Where a SAML login's portal logout also logs the user out of the IdP ({@link SsoLogins#logoutRedirect}). */
    public void singleLogout(final java.util.function.BinaryOperator<String> redirect)
    {
        singleLogout = redirect;
    }

    private void asset(final String path, final String resource, final String type)
    {
        try (InputStream in = Portal.class.getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new IllegalStateException("resource " + resource + " is missing");
            }
            assets.put(path, new Asset(type, in.readAllBytes()));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read " + resource, ex);
        }
    }

    /** Whether a path is in the normal form the portal serves at all (checked before any lookup). */
    public static boolean normalForm(final String path)
    {
        return path != null && path.startsWith("/") && CLEAN_PATH.matcher(path).matches() && !path.contains("..")
            && !path.contains("//");
    }

    /** The answer to a GET (or HEAD) of a portal or download path; null when the path is none of them. */
    public HttpAnswer get(final HttpRequestView request, final ClientInfo client)
    {
        final String path = request.path();
        if (!normalForm(path))
        {
            return null;
        }
        final Asset asset = assets.get(path);
        if (asset != null)
        {
            return new HttpAnswer(200, "OK", headers(asset.type(), false), asset.bytes(), false);
        }
        if (path.equals(LOGON))
        {
            return logonPage(request, null);
        }
        if (path.equals(HOME))
        {
            return home(request);
        }
        if (path.equals(DOWNLOAD))
        {
            return download(request);
        }
        if (LOGOUTS.contains(path))
        {
            return logout(request);
        }
        if (path.equals("/+CSCOT+/translation-table"))
        {
            return translationTable(request.query());
        }
        if (path.startsWith("/CACHE/stc/"))
        {
            return cache(request, path);
        }
        return null;
    }

    // ---------------------------------------------------------------- pages

    private HttpAnswer logonPage(final HttpRequestView request, final String error)
    {
        final HeadendConfig cfg = config.get();
        final String lang = translations.pick(request.header("accept-language"), "webvpn");
        final Map<String, String> query = query(request.query(), Set.of("a0"));
        final String shownError = error != null ? error
            : query != null && "15".equals(query.get("a0")) ? PortalText.LOGIN_FAILED
            : query != null && "8".equals(query.get("a0")) ? PortalText.EXPIRED : null;
        final String token = newCsrfToken();
        final StringBuilder body = new StringBuilder()
            .append("<h1>").append(t(lang, PortalText.LOGIN)).append("</h1>\n")
            .append("<p>").append(t(lang, PortalText.PROMPT)).append("</p>\n");
        if (shownError != null)
        {
            body.append("<p class=\"error\" id=\"error\">").append(t(lang, shownError)).append("</p>\n");
        }
        body.append("<form method=\"post\" action=\"").append(LOGIN_POST).append("\" autocomplete=\"off\">\n")
            .append("<input type=\"hidden\" name=\"csrf_token\" value=\"").append(token).append("\">\n");
        final GroupSelection groups = GroupSelection.resolve(cfg, null, "/", null);
        if (!groups.options().isEmpty())
        {
            body.append("<label for=\"group_list\">").append(t(lang, PortalText.GROUP)).append("</label>\n")
                .append("<select id=\"group_list\" name=\"group_list\">\n");
            for (final String alias : groups.options())
            {
                body.append("<option value=\"").append(html(alias)).append("\">").append(html(alias))
                    .append("</option>\n");
            }
            body.append("</select>\n");
        }
        body.append("<label for=\"username\">").append(t(lang, PortalText.USERNAME)).append("</label>\n")
            .append("<input type=\"text\" id=\"username\" name=\"username\" maxlength=\"64\">\n")
            .append("<label for=\"password\">").append(t(lang, PortalText.PASSWORD)).append("</label>\n")
            .append("<input type=\"password\" id=\"password\" name=\"password\" maxlength=\"256\">\n");
        secondFields(cfg, body);
        body.append("<button type=\"submit\" id=\"login\">").append(t(lang, PortalText.LOGIN)).append("</button>\n")
            .append("</form>\n");
        appendSingleSignOn(cfg, lang, body);
        return page(lang, PortalText.LOGIN, body.toString(), null, false)
            .withHeader("Set-Cookie", "CSRFtoken=" + token + "; path=/; Secure; HttpOnly; SameSite=Strict")
            .withHeader("Set-Cookie", "webvpnlogin=1; path=/; Secure; HttpOnly; SameSite=Strict");
    }

    /**
     * The second user name and password of double authentication, when a tunnel-group has it (the group is picked
     * on the same page): a login to such a group fails without them.
     */
    private static void secondFields(final HeadendConfig cfg, final StringBuilder body)
    {
        final boolean any = cfg.tunnelGroups().values().stream().anyMatch(g -> g.secondaryAuthentication() != null);
        final boolean ownName = cfg.tunnelGroups().values().stream().anyMatch(g -> g.secondaryAuthentication() != null
            && !g.secondaryAuthentication().usePrimaryUsername());
        if (ownName)
        {
            body.append("<label for=\"secondary_username\">Second Username</label>\n")
                .append("<input type=\"text\" id=\"secondary_username\" name=\"secondary_username\" "
                    + "maxlength=\"64\">\n");
        }
        if (any)
        {
            body.append("<label for=\"secondary_password\">Second Password</label>\n")
                .append("<input type=\"password\" id=\"secondary_password\" name=\"secondary_password\" "
                    + "maxlength=\"256\">\n");
        }
    }

    /** One link per tunnel-group of {@code authentication saml} (by alias when it has one): its IdP login. */
    private void appendSingleSignOn(final HeadendConfig cfg, final String lang, final StringBuilder body)
    {
        final List<String> links = new java.util.ArrayList<>();
        for (final var group : cfg.tunnelGroups().values())
        {
            if (SamlServiceProvider.idpOf(cfg, group.name()) != null)
            {
                final String label = group.enabledAliases().isEmpty() ? group.name() : group.enabledAliases().getFirst();
                links.add("<li><a class=\"sso\" href=\"" + html(SsoLogins.LOGIN + "?tgname="
                    + java.net.URLEncoder.encode(group.name(), java.nio.charset.StandardCharsets.UTF_8)) + "\">"
                    + html(label) + "</a></li>\n");
            }
        }
        if (!links.isEmpty())
        {
            body.append("<p>").append(t(lang, PortalText.SINGLE_SIGN_ON)).append("</p>\n<ul>\n");
            links.forEach(body::append);
            body.append("</ul>\n");
        }
    }

    /**
     * A browser the IdP vouched for ({@link SsoLogins}): the same policy checks and session as a password login.
     * The answer goes to the IdP's cross-site POST, so the session cookie (SameSite=Strict) is set by a page of
     * ours that then moves on by itself: the next request is same-site and carries it.
     */
    public CompletionStage<HttpAnswer> samlLoggedIn(final SamlServiceProvider.Result<String> result,
        final ClientInfo client)
    {
        final AggregateAuth.Verdict verdict = auth.ssoVerdict(result.username(), result.groupPolicy(), result.idp(),
            result.tunnelGroup(), client, Set.of("ssl-client", "ssl-clientless"));
        final HttpAnswer redirect = loggedIn(verdict, result.username(), result.tunnelGroup(), client);
        final List<Map.Entry<String, String>> headers = new java.util.ArrayList<>();
        String location = LOGON;
        for (final Map.Entry<String, String> header : redirect.headers())
        {
            if ("Location".equalsIgnoreCase(header.getKey()))
            {
                location = header.getValue();
            }
            else if ("Set-Cookie".equalsIgnoreCase(header.getKey()))
            {
                headers.add(header);
            }
        }
        headers.add(Map.entry("Content-Type", "text/html; charset=utf-8"));
        headers.add(Map.entry("Cache-Control", "no-store"));
        final String html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            + "<meta http-equiv=\"refresh\" content=\"0;url=" + html(location) + "\"><title>VPN</title></head>"
            + "<body><p><a href=\"" + html(location) + "\">Continue</a></p></body></html>\n";
        return CompletableFuture.completedFuture(new HttpAnswer(200, "OK", List.copyOf(headers),
            html.getBytes(java.nio.charset.StandardCharsets.UTF_8), false));
    }

    /** {@code POST /+webvpn+/index.html} from the login page. */
    public CompletionStage<HttpAnswer> login(final HttpRequestView request, final Map<String, String> form,
        final ClientInfo client)
    {
        final String token = form.get("csrf_token");
        final String cookie = request.cookies().get("CSRFtoken");
        if (token == null || !token.equals(cookie) || !consumeCsrfToken(token))
        {
            LOG.info("portal login from {} refused: missing or stale CSRF token", client.address());
            return CompletableFuture.completedFuture(
                redirect(LOGON + "?a0=8").withHeader("Set-Cookie", "webvpn=" + EXPIRED_COOKIE));
        }
        final HeadendConfig cfg = config.get();
        String tunnelGroup = HeadendConfig.DEFAULT_TUNNEL_GROUP;
        final GroupSelection picked = GroupSelection.ofReply(cfg, blankToNull(form.get("group_list")));
        if (picked != null)
        {
            if (picked.error() != null)
            {
                return CompletableFuture.completedFuture(
                    redirect(LOGON + "?a0=15").withHeader("Set-Cookie", "webvpn=" + EXPIRED_COOKIE));
            }
            tunnelGroup = picked.tunnelGroup();
        }
        final String pendingId = form.get("challenge_id");
        if (pendingId != null)
        {
            return answerChallenge(pendingId, form, client);
        }
        final String username = form.get("username");
        final String group = tunnelGroup;
        return auth.authenticate(username, form.get("password"), new AggregateAuth.SecondCredentials(
            form.get("secondary_username"), form.get("secondary_password")), group, client,
            Set.of("ssl-client", "ssl-clientless")).thenApply(verdict -> loggedIn(verdict, username, group, client));
    }

    private HttpAnswer loggedIn(final AggregateAuth.Verdict verdict, final String username, final String tunnelGroup,
        final ClientInfo client)
    {
        if (verdict.challenge() != null)
        {
            return challengePage(challenges.hold(verdict.challenge(), client.address()), verdict.challenge(), null);
        }
        if (!verdict.ok())
        {
            return redirect(LOGON + "?a0=15").withHeader("Set-Cookie", "webvpn=" + EXPIRED_COOKIE);
        }
        final SessionManager.Login login = sessions.open(username, tunnelGroup, verdict.policy().groupPolicyName(),
            client);
        if (login == null)
        {
            return redirect(LOGON + "?a0=15").withHeader("Set-Cookie", "webvpn=" + EXPIRED_COOKIE);
        }
        login.session().assign(verdict.assigned());
        login.session().openedByPortal();
        LOG.info("portal login: user {} group {} from {} (session {})", org.headend.control.LogText.escape(username),
            tunnelGroup, client.address(), login.session().index());
        return redirect(HOME)
            .withHeader("Set-Cookie", "webvpn=" + login.token() + "; path=/; Secure; HttpOnly; SameSite=Strict")
            .withHeader("Set-Cookie", "CSRFtoken=" + EXPIRED_COOKIE)
            .withHeader("Set-Cookie", "webvpnlogin=" + EXPIRED_COOKIE);
    }

    /**
     * The page with a server's question (RADIUS Access-Challenge, a TOTP code): one answer field, posted back to the
     * login URL with the id of the waiting login and a fresh CSRF token.
     */
    private HttpAnswer challengePage(final String pendingId, final PendingStep step, final String error)
    {
        final String token = newCsrfToken();
        final String prompt = step.prompt();
        final String fields = step.passwordChange()
            ? "<label for=\"new_password\">" + PortalText.NEW_PASSWORD + "</label>\n"
                + "<input type=\"password\" id=\"new_password\" name=\"new_password\" maxlength=\"128\" autofocus>\n"
                + "<label for=\"verify_password\">" + PortalText.CONFIRM_PASSWORD + "</label>\n"
                + "<input type=\"password\" id=\"verify_password\" name=\"verify_password\" maxlength=\"128\">\n"
            : "<label for=\"answer\">" + PortalText.ANSWER + "</label>\n"
                + "<input type=\"password\" id=\"answer\" name=\"answer\" maxlength=\"256\" autofocus>\n";
        final String body = "<h1>" + (step.passwordChange() ? PortalText.CHANGE_PASSWORD : PortalText.CHALLENGE)
            + "</h1>\n"
            + "<p id=\"challenge\">" + html(prompt == null || prompt.isBlank() ? PortalText.CHALLENGE_DEFAULT : prompt)
            + "</p>\n"
            + (error == null ? "" : "<p class=\"error\" id=\"error\">" + html(error) + "</p>\n")
            + "<form method=\"post\" action=\"" + LOGIN_POST + "\" autocomplete=\"off\">\n"
            + "<input type=\"hidden\" name=\"csrf_token\" value=\"" + token + "\">\n"
            + "<input type=\"hidden\" name=\"challenge_id\" value=\"" + pendingId + "\">\n"
            + fields
            + "<button type=\"submit\" id=\"login\">" + PortalText.CONTINUE + "</button>\n"
            + "</form>\n";
        return page("en", PortalText.CHALLENGE, body, null, false)
            .withHeader("Set-Cookie", "CSRFtoken=" + token + "; path=/; Secure; HttpOnly; SameSite=Strict");
    }

    /** The answer posted from {@link #challengePage}: the waiting login goes on, once, from the same address. */
    private CompletionStage<HttpAnswer> answerChallenge(final String pendingId, final Map<String, String> form,
        final ClientInfo client)
    {
        final PendingStep step = challenges.take(pendingId, client.address());
        if (step == null)
        {
            LOG.info("portal challenge answer from {} refused: no login waits under that id", client.address());
            return CompletableFuture.completedFuture(
                redirect(LOGON + "?a0=8").withHeader("Set-Cookie", "webvpn=" + EXPIRED_COOKIE));
        }
        final String answer = step.passwordChange() ? form.get("new_password") : form.get("answer");
        if (step.passwordChange() && (answer == null || !answer.equals(form.get("verify_password"))))
        {
            return CompletableFuture.completedFuture(challengePage(challenges.hold(step, client.address()), step,
                PortalText.PASSWORDS_DIFFER));
        }
        return auth.answer(step, answer == null ? "" : answer, client)
            .thenApply(verdict -> loggedIn(verdict, step.username(), step.tunnelGroup(), client));
    }

    private HttpAnswer home(final HttpRequestView request)
    {
        final Session session = sessions.find(request.cookies().get("webvpn"));
        if (session == null)
        {
            return redirect(LOGON);
        }
        final HeadendConfig cfg = config.get();
        final EffectivePolicy policy = cfg.effectivePolicy(session.tunnelGroup(), session.username(),
            session.aaa().groupPolicy());
        final String lang = translations.pick(request.header("accept-language"), "webvpn");
        final AnyconnectAsk ask = policy.get(PolicyAttribute.ASK);
        final Map<String, String> query = query(request.query(), Set.of("view"));
        final boolean homeAsked = query != null && "home".equals(query.get("view"));
        final boolean clientless = policy.get(PolicyAttribute.VPN_TUNNEL_PROTOCOL).contains("ssl-clientless");
        final StringBuilder body = new StringBuilder();
        final List<String> banner = policy.get(PolicyAttribute.BANNER);
        if (!banner.isEmpty())
        {
            body.append("<div class=\"banner\" id=\"banner\">").append(html(String.join("\n", banner)))
                .append("</div>\n");
        }
        String refresh = null;
        if (!homeAsked && ask.enabled() && (ask.defaultAction() == null || ask.timeoutSeconds() > 0))
        {
            body.append("<h1 id=\"ask\">").append(t(lang, PortalText.ASK)).append("</h1>\n");
            if (ask.defaultAction() != null)
            {
                body.append("<p>").append(t(lang, PortalText.COUNTDOWN)).append(" <span id=\"countdown\">")
                    .append(ask.timeoutSeconds()).append("</span></p>\n");
                refresh = ask.timeoutSeconds() + ";url=" + ("webvpn".equals(ask.defaultAction()) ? HOME
                    + "?view=home" : DOWNLOAD);
            }
            body.append("<a class=\"button\" id=\"choose-download\" href=\"").append(DOWNLOAD).append("\">")
                .append(t(lang, PortalText.DOWNLOAD_CLIENT)).append("</a>\n")
                .append("<a class=\"button secondary\" id=\"choose-portal\" href=\"").append(HOME)
                .append("?view=home\">").append(t(lang, PortalText.GO_PORTAL)).append("</a>\n");
            return page(lang, PortalText.TITLE, body.toString(), refresh, true);
        }
        final boolean immediateDownload = !homeAsked && ask.enabled() && "anyconnect".equals(ask.defaultAction());
        if (immediateDownload || !homeAsked && !ask.enabled() && !clientless)
        {
            return redirect(DOWNLOAD);
        }
        body.append("<h1 id=\"home\">").append(t(lang, PortalText.HOME)).append("</h1>\n")
            .append("<a class=\"button\" id=\"start-client\" href=\"").append(DOWNLOAD).append("\">")
            .append(t(lang, PortalText.START_CLIENT)).append("</a>\n");
        return page(lang, PortalText.TITLE, body.toString(), null, true);
    }

    private HttpAnswer download(final HttpRequestView request)
    {
        final Session session = sessions.find(request.cookies().get("webvpn"));
        if (session == null)
        {
            return redirect(LOGON);
        }
        final HeadendConfig cfg = config.get();
        final EffectivePolicy policy = cfg.effectivePolicy(session.tunnelGroup(), session.username(),
            session.aaa().groupPolicy());
        final String lang = translations.pick(request.header("accept-language"), "webvpn");
        final String platform = Platforms.ofBrowser(request.header("user-agent"));
        final ClientFiles.Slot mine = files.slotFor(platform);
        final StringBuilder body = new StringBuilder("<h1>").append(t(lang, PortalText.DOWNLOAD_TITLE))
            .append("</h1>\n");
        if (mine != null && mine.pkg().installer() != null)
        {
            body.append("<p>").append(t(lang, PortalText.FOR_PLATFORM)).append(' ')
                .append(html(Platforms.describe(mine.pkg().platform()))).append(", ").append(t(lang,
                    PortalText.VERSION)).append(" <span id=\"version\">").append(html(mine.pkg().version()))
                .append("</span></p>\n")
                .append("<a class=\"button\" id=\"download\" href=\"").append(slotUrl(mine, mine.pkg().installer()))
                .append("\">").append(t(lang, PortalText.DOWNLOAD_CLIENT)).append("</a>\n");
        }
        else
        {
            body.append("<p class=\"error\" id=\"no-package\">").append(t(lang, PortalText.NO_PACKAGE))
                .append("</p>\n");
        }
        body.append("<p id=\"keep-installer\">").append(t(lang, policy.get(PolicyAttribute.KEEP_INSTALLER)
            ? PortalText.KEEP : PortalText.REMOVE)).append("</p>\n");
        final List<ClientFiles.Slot> others = files.slots().stream().filter(s -> s != mine
            && s.pkg().installer() != null).toList();
        if (!others.isEmpty())
        {
            body.append("<h2>").append(t(lang, PortalText.OTHER_PLATFORMS)).append("</h2>\n<table>\n");
            for (final ClientFiles.Slot slot : others)
            {
                body.append("<tr><td>").append(html(Platforms.describe(slot.pkg().platform()))).append("</td><td>")
                    .append(html(slot.pkg().version())).append("</td><td><a href=\"")
                    .append(slotUrl(slot, slot.pkg().installer())).append("\">")
                    .append(html(slot.pkg().installer().substring(slot.pkg().installer().lastIndexOf('/') + 1)))
                    .append("</a></td></tr>\n");
            }
            body.append("</table>\n");
        }
        return page(lang, PortalText.DOWNLOAD_TITLE, body.toString(), null, true);
    }

    private static String slotUrl(final ClientFiles.Slot slot, final String entry)
    {
        return "/CACHE/stc/" + slot.number() + "/" + html(entry);
    }

    private HttpAnswer logout(final HttpRequestView request)
    {
        final Session session = sessions.find(request.cookies().get("webvpn"));
        if (session != null)
        {
            sessions.end(session, "the user logged out of the portal");
            // a SAML login tells its IdP too (single logout), whose answer ends on the SAML logout page
            final String idpLogout = singleLogout.apply(session.tunnelGroup(), session.username());
            if (idpLogout != null)
            {
                return redirect(idpLogout).withHeader("Set-Cookie", "webvpn=" + EXPIRED_COOKIE)
                    .withHeader("Set-Cookie", "webvpnc=" + EXPIRED_COOKIE);
            }
        }
        final String lang = translations.pick(request.header("accept-language"), "webvpn");
        return page(lang, PortalText.LOGOUT, "<h1 id=\"logged-out\">" + t(lang, PortalText.LOGGED_OUT) + "</h1>\n"
            + "<a class=\"button\" href=\"" + LOGON + "\">" + t(lang, PortalText.LOGIN_AGAIN) + "</a>\n", null, false)
            .withHeader("Set-Cookie", "webvpn=" + EXPIRED_COOKIE)
            .withHeader("Set-Cookie", "webvpnc=" + EXPIRED_COOKIE);
    }

    private HttpAnswer page(final String lang, final String title, final String body, final String refresh,
        final boolean loggedIn)
    {
        final String html = "<!DOCTYPE html>\n<html lang=\"" + (lang == null ? "en" : lang) + "\">\n<head>\n"
            + "<meta charset=\"utf-8\">\n<title>" + t(lang, title) + "</title>\n"
            + (refresh == null ? "" : "<meta http-equiv=\"refresh\" content=\"" + html(refresh) + "\">\n")
            + "<link rel=\"stylesheet\" href=\"/+CSCOE+/portal.css\">\n"
            + "<script src=\"/+CSCOE+/portal.js\" defer></script>\n</head>\n<body>\n<header>"
            + t(lang, PortalText.TITLE)
            + (loggedIn ? "<a id=\"logout\" href=\"" + LOGOUTS.getFirst() + "\">" + t(lang, PortalText.LOGOUT) + "</a>"
                : "")
            + "</header>\n<main>\n" + body + "</main>\n</body>\n</html>\n";
        return new HttpAnswer(200, "OK", headers("text/html; charset=utf-8", true),
            html.getBytes(StandardCharsets.UTF_8), false);
    }

    private static List<Map.Entry<String, String>> headers(final String type, final boolean noStore)
    {
        final List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("Content-Type", type));
        headers.add(Map.entry("Cache-Control", noStore ? "no-store" : "max-age=300"));
        headers.add(Map.entry("X-Content-Type-Options", "nosniff"));
        headers.add(Map.entry("X-Frame-Options", "DENY"));
        headers.add(Map.entry("Referrer-Policy", "no-referrer"));
        headers.add(Map.entry("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
                + "form-action 'self'; base-uri 'none'"));
        return headers;
    }

    private static HttpAnswer redirect(final String location)
    {
        return new HttpAnswer(303, "See Other", List.of(Map.entry("Location", location),
            Map.entry("Cache-Control", "no-store"), Map.entry("Content-Type", "text/plain; charset=utf-8")),
            new byte[0], false);
    }

    private String t(final String lang, final String msgid)
    {
        return html(translations.translate(lang, "webvpn", msgid));
    }

    // ---------------------------------------------------------------- downloads

    private HttpAnswer cache(final HttpRequestView request, final String path)
    {
        final Matcher profile = PROFILE_PATH.matcher(path);
        if (profile.matches())
        {
            return profileDownload(request, profile.group(1));
        }
        final Matcher slotPath = SLOT_PATH.matcher(path);
        if (!slotPath.matches())
        {
            return null;
        }
        final ClientFiles.Slot slot = files.slot(Integer.parseInt(slotPath.group(1)));
        final String entry = slotPath.group(2);
        if (slot != null)
        {
            final byte[] bytes = slot.pkg().files().get(entry);
            if (bytes != null)
            {
                return binary(bytes, contentType(entry), entry);
            }
        }
        if (entry.equals("binaries/update.txt"))
        {
            return text(slot == null ? "0,0,0000\n" : slot.pkg().commaVersion() + "\n", "text/plain; charset=utf-8");
        }
        if (entry.equals("VPNManifest.xml"))
        {
            return text(slot == null ? EMPTY_MANIFEST : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + ClientFiles.coreManifest(slot, List.of()).replaceAll("(?s).*<vpn-core-manifest>\n", "")
                    .replace("</vpn-core-manifest>\n", ""), "text/xml; charset=utf-8");
        }
        if (PROBE_NAMES.contains(entry))
        {
            return text("<html></html>\n", "text/html; charset=utf-8");
        }
        return null;
    }

    private HttpAnswer profileDownload(final HttpRequestView request, final String name)
    {
        final String cookie = request.cookies().get("webvpn");
        if (cookie == null)
        {
            return HttpAnswer.text(503, "Service Unavailable", "A session is needed", false);
        }
        final Session session = sessions.find(cookie);
        if (session == null)
        {
            return HttpAnswer.text(401, "Cookie is not acceptable", "Cookie is not acceptable", false);
        }
        final EffectivePolicy policy = config.get().effectivePolicy(session.tunnelGroup(), session.username(),
            session.aaa().groupPolicy());
        final boolean granted = policy.get(PolicyAttribute.PROFILES).stream().map(ClientProfileRef::name)
            .anyMatch(name::equals);
        final ClientFiles.Profile profile = granted ? files.profile(name) : null;
        if (profile == null)
        {
            return null;
        }
        return new HttpAnswer(200, "OK", List.of(Map.entry("Content-Type", "text/xml; charset=utf-8"),
            Map.entry("Cache-Control", "no-store")), profile.bytes(), false);
    }

    private HttpAnswer translationTable(final String rawQuery)
    {
        final Map<String, String> query = query(rawQuery, Set.of("textdomain", "type", "lang"));
        if (query == null)
        {
            return null;
        }
        final String domain = Translations.domain(query.getOrDefault("textdomain", ""));
        final String type = query.getOrDefault("type", "");
        if (domain == null || !query.get("textdomain").equals(domain))
        {
            return null;
        }
        if (type.equals("manifest") && !query.containsKey("lang"))
        {
            final StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<vpn rev=\"1.0\">\n");
            translations.imported().forEach((language, domains) ->
            {
                if (domains.contains(domain))
                {
                    final byte[] mo = translations.mo(domain, language);
                    xml.append("<file type=\"l10n\" lang=\"").append(language).append("\">\n<uri>")
                        .append("/+CSCOT+/translation-table?textdomain=").append(domain).append("&amp;type=mo&amp;lang=")
                        .append(language).append("</uri>\n<hash type=\"sha1\">")
                        .append(ClientFiles.hex(ClientFiles.digest("SHA-1", mo), true)).append("</hash>\n</file>\n");
                }
            });
            return text(xml.append("</vpn>\n").toString(), "text/xml; charset=utf-8");
        }
        final String lang = query.get("lang");
        if (lang == null || !lang.equals(Translations.language(lang)) || !translations.has(lang, domain))
        {
            return null;
        }
        return switch (type)
        {
            case "po" -> binary(translations.export(domain, lang), "text/plain; charset=utf-8", null);
            case "mo" -> binary(translations.mo(domain, lang), "application/octet-stream", null);
            default -> null;
        };
    }

    private static HttpAnswer binary(final byte[] bytes, final String type, final String entry)
    {
        final List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("Content-Type", type));
        headers.add(Map.entry("X-Content-Type-Options", "nosniff"));
        if (entry != null && type.equals("application/octet-stream"))
        {
            headers.add(Map.entry("Content-Disposition", "attachment; filename=\""
                + entry.substring(entry.lastIndexOf('/') + 1) + "\""));
        }
        return new HttpAnswer(200, "OK", headers, bytes, false);
    }

    private static HttpAnswer text(final String text, final String type)
    {
        return binary(text.getBytes(StandardCharsets.UTF_8), type, null);
    }

    private static String contentType(final String entry)
    {
        if (entry.endsWith(".xml"))
        {
            return "text/xml; charset=utf-8";
        }
        if (entry.endsWith(".txt"))
        {
            return "text/plain; charset=utf-8";
        }
        if (entry.endsWith(".html"))
        {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A query string with only {@code allowed} keys, each at most once, values of printable ASCII without
     * {@code /} or {@code \}; null when it is anything else (the caller answers 404).
     */
    static Map<String, String> query(final String raw, final Set<String> allowed)
    {
        final Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty())
        {
            return values;
        }
        if (raw.length() > 512)
        {
            return null;
        }
        for (final String pair : raw.split("&"))
        {
            final int eq = pair.indexOf('=');
            if (eq <= 0)
            {
                return null;
            }
            final String key;
            final String value;
            try
            {
                key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
            catch (final IllegalArgumentException ex)
            {
                return null;
            }
            if (!allowed.contains(key) || values.containsKey(key) || !value.matches("[A-Za-z0-9._-]{0,64}")
                || value.contains(".."))
            {
                return null;
            }
            values.put(key, value);
        }
        return values;
    }

    private String newCsrfToken()
    {
        final long now = nanoClock.getAsLong();
        final Iterator<Map.Entry<String, Long>> it = csrfTokens.entrySet().iterator();
        while (it.hasNext())
        {
            final Map.Entry<String, Long> oldest = it.next();
            if (now - oldest.getValue() < CSRF_TTL_NANOS && csrfTokens.size() < MAX_CSRF_TOKENS)
            {
                break;
            }
            it.remove();
        }
        final byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        final String token = HexFormat.of().formatHex(bytes);
        csrfTokens.put(token, now);
        return token;
    }

    private boolean consumeCsrfToken(final String token)
    {
        final Long issued = csrfTokens.remove(token);
        return issued != null && nanoClock.getAsLong() - issued < CSRF_TTL_NANOS;
    }

    private static String blankToNull(final String text)
    {
        return text == null || text.isBlank() ? null : text;
    }

    /** Escapes text for HTML element content and attribute values. */
    static String html(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
