package org.headend.it.tools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Headless Chromium through chromedriver (both started here, inside a client namespace), driven over the W3C
 * WebDriver protocol: opens the appliance, logs in on the portal (picking a group), watches the
 * {@code anyconnect ask} countdown take its default action, reads the download page, logs out, and checks the
 * portal is closed afterwards. Saves a PNG screenshot of each page. Prints one line per observation:
 *
 * <pre>
 * PAGE name url=… key=value …      what a page showed
 * SHOT name FILE BYTES             a screenshot
 * OUTCOME=OK | OUTCOME=FAILED …
 * </pre>
 *
 * <pre>PortalBrowser --url https://H/ --user U --password P [--group ALIAS] --out DIR [--lang es]
 *               [--wait-seconds 20] [--sso yes]</pre>
 * With {@code --sso yes} the login goes through the logon page's SAML IdP link instead, U and P typed at the IdP.
 */
public final class PortalBrowser
{
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String driver;
    private String session;

    private PortalBrowser(final int port)
    {
        driver = "http://127.0.0.1:" + port;
    }

    public static void main(final String[] argv) throws Exception
    {
        final Args args = new Args(argv);
        final Path out = Path.of(args.require("out"));
        Files.createDirectories(out);
        final int port = 9515 + (int)(ProcessHandle.current().pid() % 1000);
        final Process chromedriver = new ProcessBuilder("/usr/bin/chromedriver", "--port=" + port,
            "--log-path=" + out.resolve("chromedriver.log")).redirectErrorStream(true)
            .redirectOutput(out.resolve("chromedriver.out").toFile()).start();
        final PortalBrowser browser = new PortalBrowser(port);
        try
        {
            browser.awaitDriver();
            browser.open(out.resolve("profile"), args.get("lang", "en"));
            browser.scenario(args, out);
            System.out.println("OUTCOME=OK");
        }
        catch (final Exception | AssertionError ex)
        {
            System.out.println("OUTCOME=FAILED " + ex);
            ex.printStackTrace(System.out);
        }
        finally
        {
            browser.close();
            chromedriver.destroy();
            chromedriver.waitFor();
        }
    }

    private void scenario(final Args args, final Path out) throws Exception
    {
        if (args.get("sso", null) != null)
        {
            ssoScenario(args, out);
            return;
        }
        final String base = args.require("url").replaceAll("/$", "");
        final long waitSeconds = Long.parseLong(args.get("wait-seconds", "20"));
        call("POST", "/url", "{\"url\":" + MiniJson.quote(base + "/") + "}");
        awaitUrl("logon.html", 10);
        page("logon", "login-button=" + text("#login"), "group-options=" + count("#group_list option"));
        shot("logon", out);
        type("#username", args.require("user"));
        type("#password", args.require("password"));
        if (args.get("group", null) != null)
        {
            click("#group_list option[value='" + args.get("group", null) + "']");
        }
        click("#login");
        awaitUrl("portal.html", 10);
        page("ask", "question=" + text("#ask"), "countdown=" + text("#countdown"), "banner=" + text("#banner"));
        shot("ask", out);
        final long started = System.nanoTime();
        awaitUrl("download.html", waitSeconds);
        final long waited = (System.nanoTime() - started) / 1_000_000;
        page("download", "after-ms=" + waited, "version=" + text("#version"), "href=" + attribute("#download",
            "href"), "keep=" + text("#keep-installer"));
        shot("download", out);
        click("#logout");
        awaitUrl("logout", 10);
        page("logout", "text=" + text("#logged-out"), "cookies=" + cookieNames());
        shot("logout", out);
        call("POST", "/url", "{\"url\":" + MiniJson.quote(base + "/+CSCOE+/portal.html") + "}");
        awaitUrl("logon.html", 10);
        page("after-logout");
    }

    /**
     * {@code --sso yes}: the logon page's link to the SAML IdP, the IdP's own login form (SimpleSAMLphp), its
     * self-posting form back to the appliance (JavaScript), where the appliance lands the browser, and the portal's
     * home page with the session it opened.
     */
    private void ssoScenario(final Args args, final Path out) throws Exception
    {
        final String base = args.require("url").replaceAll("/$", "");
        call("POST", "/url", "{\"url\":" + MiniJson.quote(base + "/+CSCOE+/logon.html") + "}");
        awaitUrl("logon.html", 10);
        page("logon", "idp-links=" + count("a[href*='saml/sp/login']"));
        click("a[href*='saml/sp/login']");
        awaitUrl("loginuserpass", 20);
        page("idp-login");
        shot("idp-login", out);
        type("#username", args.require("user"));
        type("#password", args.require("password"));
        click("#submit_button");
        // the IdP's page posts itself back; the appliance then opens the portal (or its client download page)
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!url().startsWith(base + "/+CSCOE+/") || url().contains("/saml/sp/"))
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("the browser did not come back from the IdP; at " + url());
            }
            Thread.sleep(100);
        }
        page("landed");
        call("POST", "/url", "{\"url\":" + MiniJson.quote(base + "/+CSCOE+/portal.html?view=home") + "}");
        awaitUrl("portal.html", 10);
        page("portal", "banner=" + text("#banner"), "cookies=" + cookieNames());
        shot("portal", out);
    }

    private void awaitDriver() throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true)
        {
            try
            {
                final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(driver + "/status"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"ready\":true"))
                {
                    return;
                }
            }
            catch (final IOException ex)
            {
                if (System.nanoTime() > deadline)
                {
                    throw ex;
                }
            }
            Thread.sleep(200);
        }
    }

    private void open(final Path profile, final String lang) throws Exception
    {
        final List<String> flags = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1024,768", "--user-data-dir=" + profile, "--lang=" + lang);
        final StringBuilder args = new StringBuilder("[");
        for (final String flag : flags)
        {
            args.append(args.length() > 1 ? "," : "").append(MiniJson.quote(flag));
        }
        args.append(']');
        final String body = "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\","
            + "\"acceptInsecureCerts\":true,\"goog:chromeOptions\":{\"binary\":\"/usr/bin/chromium\",\"args\":"
            + args + ",\"prefs\":{\"intl.accept_languages\":" + MiniJson.quote(lang) + "}}}}}";
        final Object value = send("POST", driver + "/session", body);
        session = (String)((Map<?, ?>)value).get("sessionId");
    }

    private void close()
    {
        if (session != null)
        {
            try
            {
                send("DELETE", driver + "/session/" + session, null);
            }
            catch (final Exception ex)
            {
                System.out.println("close: " + ex);
            }
        }
    }

    private Object call(final String method, final String path, final String body) throws Exception
    {
        return send(method, driver + "/session/" + session + path, body);
    }

    private Object send(final String method, final String url, final String body) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (body == null)
        {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        else
        {
            request.header("Content-Type", "application/json; charset=utf-8")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        final Object parsed = MiniJson.parse(response.body());
        final Object value = ((Map<?, ?>)parsed).get("value");
        if (response.statusCode() != 200)
        {
            throw new IOException(method + " " + url + " -> " + response.statusCode() + " " + value);
        }
        return value;
    }

    private String element(final String css) throws Exception
    {
        final Object value = call("POST", "/element", "{\"using\":\"css selector\",\"value\":" + MiniJson.quote(css)
            + "}");
        return (String)((Map<?, ?>)value).get(ELEMENT);
    }

    private String text(final String css)
    {
        try
        {
            return ((String)call("GET", "/element/" + element(css) + "/text", null)).replace(' ', '_')
                .replace('\n', '|');
        }
        catch (final Exception ex)
        {
            return "(none)";
        }
    }

    private String attribute(final String css, final String name)
    {
        try
        {
            return String.valueOf(call("GET", "/element/" + element(css) + "/attribute/" + name, null));
        }
        catch (final Exception ex)
        {
            return "(none)";
        }
    }

    private int count(final String css) throws Exception
    {
        return ((List<?>)call("POST", "/elements", "{\"using\":\"css selector\",\"value\":" + MiniJson.quote(css)
            + "}")).size();
    }

    private void type(final String css, final String text) throws Exception
    {
        call("POST", "/element/" + element(css) + "/value", "{\"text\":" + MiniJson.quote(text) + "}");
    }

    private void click(final String css) throws Exception
    {
        call("POST", "/element/" + element(css) + "/click", "{}");
    }

    private String url() throws Exception
    {
        return (String)call("GET", "/url", null);
    }

    private String cookieNames() throws Exception
    {
        final List<String> names = new ArrayList<>();
        for (final Object cookie : (List<?>)call("GET", "/cookie", null))
        {
            names.add(String.valueOf(((Map<?, ?>)cookie).get("name")));
        }
        return names.isEmpty() ? "none" : String.join(",", names);
    }

    private void awaitUrl(final String part, final long seconds) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (!url().contains(part))
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("the browser did not reach " + part + " within " + seconds + " s; at "
                    + url());
            }
            Thread.sleep(100);
        }
    }

    private void page(final String name, final String... observations) throws Exception
    {
        System.out.println("PAGE " + name + " url=" + url() + (observations.length == 0 ? ""
            : " " + String.join(" ", observations)));
    }

    private void shot(final String name, final Path out) throws Exception
    {
        final byte[] png = Base64.getDecoder().decode((String)call("GET", "/screenshot", null));
        final Path file = out.resolve(name + ".png");
        Files.write(file, png);
        System.out.println("SHOT " + name + " " + file + " " + png.length);
    }
}
