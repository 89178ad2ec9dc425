import ExScopeCore

/// Bodies served by the personas. They reproduce the markers and paths of real
/// responses (see `fingerprinting.md` §2.2, §2.3, §2.12); the rest is filler of the
/// right size and shape, written for ExScope.
enum ExchangePages {
    /// The OWA logon page of Exchange 2013 and later (~28 KB), resources under `/owa/auth/<version>/`.
    /// - Parameters:
    ///   - version: the path version, e.g. `15.2.1748`.
    ///   - title: `Outlook` (2016+) or `Outlook Web App` (2013); attacker-controlled in the script-injection persona.
    ///   - host: the host name for the form's destination.
    static func logon2013(version: String, title: String, host: String) -> String {
        let res = "/owa/auth/\(version)/themes/resources"
        var page = """
        <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
        <!-- Copyright (c) 2011 Microsoft Corporation.  All rights reserved. -->
        <!-- OwaPage = ASP.auth_logon_aspx -->

        <!-- {57A118C6-2DA9-419d-BE9A-F92B0F9A418B} -->
        <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">
        <html>
        <head>
        <meta http-equiv="X-UA-Compatible" content="IE=10" />
        <link rel="shortcut icon" href="\(res)/favicon.ico" type="image/x-icon">
        <meta http-equiv="Content-Type" content="text/html; CHARSET=utf-8">
        <meta name="Robots" content="NOINDEX, NOFOLLOW">
        <title>\(title)</title>
        <style>

        """
        for (face, file) in [("normal", "segoeui-regular"), ("semilight", "segoeui-semilight"), ("semibold", "segoeui-semibold")] {
            page += """
            @font-face {
                font-family: "wf_segoe-ui_\(face)";
                src: url("\(res)/\(file).eot?#iefix") format("embedded-opentype"),
                        url("\(res)/\(file).ttf") format("truetype");
            }

            """
        }
        // Style rules in the shape of the real page, numerous enough to reach its size.
        let selectors = ["body", ".mouse", ".twide", ".signInBg", ".signInImageHeader", ".signInInputLabel",
                         ".signInInputText", ".signInCheckBoxText", ".signInEnter", ".signinbutton", ".signinTxt",
                         ".shellDialogues", ".expiryNotice", ".signInExpiration", ".signInError", ".hidden-submit",
                         ".logonContainer", ".logonDiv", ".sidebar", ".owaLogoContainer", ".owaLogo", ".signInHeader",
                         ".showPasswordCheck", ".passwordError", ".wrng", ".bidi", ".lgnTbl", ".txtpad", ".nowrap"]
        let properties = ["font-family: \"wf_segoe-ui_normal\", \"Segoe UI\", \"Segoe WP\", Tahoma, Arial, sans-serif;",
                          "color: #333333;", "background-color: #ffffff;", "font-size: 14px;", "margin: 0px;",
                          "padding: 0px 0px 0px 0px;", "border: 1px solid #cccccc;", "line-height: 20px;",
                          "position: absolute;", "display: inline-block;", "cursor: pointer;", "width: 100%;"]
        var index = 0
        while page.utf8.count < 15_500 {
            let selector = selectors[index % selectors.count]
            let suffix = index < selectors.count ? "" : (index / selectors.count % 2 == 0 ? ":hover" : ".rtl")
            page += "\(selector)\(suffix)\n{\n"
            for offset in 0..<4 { page += "    \(properties[(index + offset * 5) % properties.count])\n" }
            page += "}\n\n"
            index += 1
        }
        page += """
        </style>
        <script type="text/javascript">
            function IsOwaPremiumBrowser()
            {
                var cssColor = "rgb(18, 52, 86)";
                var hiddenDiv = document.getElementById("hiddenDiv");
                return hiddenDiv != null && window.getComputedStyle != null;
            }

            function setCookie(name, value) { document.cookie = name + "=" + value + "; path=/; secure"; }

            function clkLgn()
            {
                var form = document.logonForm;
                if (form.username.value == "" || form.password.value == "") { return; }
                setCookie("PrivateComputer", "true");
                form.submit();
            }

            function checkPasswordExpiry() { return; }

        """
        let strings = ["The user name or password you entered isn't correct. Try entering it again.",
                       "Please enter your user name and password.",
                       "Security (show explanation)", "This is a public or shared computer",
                       "This is a private computer", "Use the light version of Outlook",
                       "Your session has timed out. To continue, sign in again.",
                       "You have successfully signed out.", "Connecting to Outlook..."]
        index = 0
        while page.utf8.count < 25_200 {
            page += "    var L_msg\(index)_Text = \"\(strings[index % strings.count])\";\n"
            if index % 9 == 8 { page += "    // Localized strings, group \(index / 9)\n" }
            index += 1
        }
        page += """
        </script>
        </head>
        <body class="signInBg" style="background: #f2f2f2 url('\(res)/bg.png') repeat-x">
            <noscript>
                <div id="dvErr">
                    <table cellpadding="0" cellspacing="0">
                    <tr>
                        <td><img src="\(res)/warn.png" alt=""></td>
                        <td style="width:100%">To use Outlook, browser settings must allow scripts to run. For more information, or to learn how to allow scripts, contact your administrator.</td>
                    </tr>
                    </table>
                </div>
            </noscript>
            <form action="/owa/auth.owa" method="POST" name="logonForm" ENCTYPE="application/x-www-form-urlencoded" autocomplete="off">
                <input type="hidden" name="destination" value="https://\(host)/owa/">
                <input type="hidden" name="flags" value="4">
                <input type="hidden" name="forcedownlevel" value="0">
                <div id="mainLogonDiv" class="mouse">
                    <div class="sidebar"><div class="owaLogoContainer"><img src="\(res)/owa_text_blue.png" class="owaLogo" aria-hidden="true"><img src="\(res)/owa_logo.png" class="owaLogoSmall" aria-hidden="true"></div></div>
                    <div class="logonContainer">
                        <div id="lgnDiv" class="logonDiv" onKeyPress="return checkSubmit(event)">
                            <div class="signInImageHeader" role="heading" aria-label="\(title)"><img class="mouseHeader" src="\(res)/owa_text_blue.png" alt="\(title)"></div>
                            <div class="signInInputLabel" id="userNameLabel" aria-hidden="true">Domain\\user name:</div>
                            <div><input id="username" name="username" class="signInInputText" role="textbox" aria-labelledby="userNameLabel"/></div>
                            <div class="signInInputLabel" id="passwordLabel" aria-hidden="true">Password:</div>
                            <div><input id="password" onfocus="g_fFcs=0" name="password" class="signInInputText" type="password" role="textbox" aria-labelledby="passwordLabel"/></div>
                            <div class="signInEnter">
                                <div onclick="clkLgn()" class="signinbutton" role="button" tabIndex="0"><img class="imgLnk" src="\(res)/signin_arrow.png" alt=""><span class="signinTxt">sign in</span></div>
                            </div>
                            <div class="hidden-submit"><input type="submit" tabindex="-1"/></div>
                        </div>
                    </div>
                </div>
                <input name="isUtf8" value="1" type="hidden"/>
            </form>
            <div id="hiddenDiv" style="display:none"><img src="/owa/auth/\(version)/scripts/premium/blank.gif" alt=""></div>
        </body>
        </html>

        """
        // Real pages vary by a few hundred bytes between builds; pad to the sample's size. The host
        // name (in the page once) is left out of the sum, so the padding is the same for every host.
        let target = 27_945
        let length = page.utf8.count - host.utf8.count
        if length < target {
            page += "<!-- " + String(repeating: " ", count: max(0, target - length - 9)) + " -->\n"
        }
        return page
    }

    /// The OWA logon page of Exchange 2010: four-part `/owa/14.x.y.z/` paths, `IE=EmulateIE7`.
    static func logon2010(version: String, host: String) -> String {
        let res = "/owa/\(version)/themes/resources"
        var page = """
        <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
        <!-- Copyright (c) 2006 Microsoft Corporation.  All rights reserved. -->
        <!-- OwaPage = ASP.auth_logon_aspx -->
        <html dir="ltr">
        <head>
        <meta http-equiv="X-UA-Compatible" content="IE=EmulateIE7">
        <link rel="shortcut icon" href="\(res)/favicon.ico" type="image/x-icon">
        <meta http-equiv="Content-Type" content="text/html; CHARSET=utf-8">
        <meta name="Robots" content="NOINDEX, NOFOLLOW">
        <title>Outlook Web App</title>
        <link type="text/css" rel="stylesheet" href="/owa/\(version)/themes/base/logon.css">
        <link type="text/css" rel="stylesheet" href="\(res)/owafont.css">
        <script type="text/javascript" src="/owa/\(version)/scripts/premium/flogon.js"></script>
        <script type="text/javascript">
            function IsOwaPremiumBrowser() { return window.XMLHttpRequest != null; }
            var a_fRC = 1; var g_fFcs = 1; var a_fLOff = 0; var a_fCAC = 0; var a_fEnbSMm = 1;
        </script>
        </head>
        <body class="owaLgnBdy" onload="javascript:ldPg();">
        <noscript><div id="dvErr"><table cellpadding="0" cellspacing="0"><tr><td><img src="\(res)/warn.png" alt=""></td><td style="width:100%">To use Outlook Web App, browser settings must allow scripts to run. For more information, or to learn how to allow scripts, contact your administrator.</td></tr></table></div></noscript>
        <form action="/owa/auth/owaauth.dll" method="POST" name="logonForm" autocomplete="off">
        <input type="hidden" name="destination" value="https://\(host)/owa/">
        <input type="hidden" name="flags" value="0">
        <input type="hidden" name="forcedownlevel" value="0">
        <table id="tblMid" class="mid">
        <tr><td id="mdLgn" class="lgnTL"><img src="\(res)/lgntopl.gif" alt=""></td><td class="lgnTM"></td><td class="lgnTR"><img src="\(res)/lgntopr.gif" alt=""></td></tr>
        <tr><td id="mdLgnLogo" colspan="3"><img src="\(res)/lgnexlogo.gif" alt="Outlook Web App"></td></tr>
        <tr><td class="txtpad">Domain\\user name:</td><td class="txtpad"><input id="username" name="username" type="text" class="txt"></td></tr>
        <tr><td class="txtpad">Password:</td><td class="txtpad"><input id="password" name="password" type="password" class="txt" onfocus="g_fFcs=0"></td></tr>
        <tr><td colspan="2"><input type="submit" class="btn" value="Sign in" onclick="clkLgn()"></td></tr>
        </table>
        <input name="isUtf8" value="1" type="hidden">

        """
        var index = 0
        while page.utf8.count < 8_900 {
            page += "<input type=\"hidden\" id=\"hdnStr\(index)\" value=\"Connected to Microsoft Exchange\">\n"
            index += 1
        }
        page += "</form>\n</body>\n</html>\n"
        return page
    }

    /// The eDiscovery export tool ClickOnce manifest (~16 KB) with `version` in every
    /// `assemblyIdentity`.
    /// - Parameters:
    ///   - version: e.g. `15.2.1748.24`.
    ///   - token: the public key token (`b1d1a6c45aa418ce` on the sample; honeypots use zeros).
    ///   - publisher: `Microsoft Corporation`, or a honeypot's `Example Corp.`.
    ///   - deployment: the deployment provider code base.
    static func exportToolManifest(version: String, token: String, publisher: String, deployment: String,
                                   codebase: String? = nil, size: Int = 25_341) -> String {
        let identity = "name=\"microsoft.exchange.ediscovery.exporttool.application\" version=\"\(version)\" publicKeyToken=\"\(token)\" language=\"neutral\" processorArchitecture=\"msil\""
        var xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <asmv1:assembly xsi:schemaLocation="urn:schemas-microsoft-com:asm.v1 assembly.adaptive.xsd" manifestVersion="1.0" xmlns:asmv1="urn:schemas-microsoft-com:asm.v1" xmlns="urn:schemas-microsoft-com:asm.v2" xmlns:asmv2="urn:schemas-microsoft-com:asm.v2" xmlns:xrml="urn:mpeg:mpeg21:2003:01-REL-R-NS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:asmv3="urn:schemas-microsoft-com:asm.v3" xmlns:dsig="http://www.w3.org/2000/09/xmldsig#" xmlns:co.v1="urn:schemas-microsoft-com:clickonce.v1" xmlns:co.v2="urn:schemas-microsoft-com:clickonce.v2">
          <assemblyIdentity xmlns="urn:schemas-microsoft-com:asm.v1" \(identity) />
          <description asmv2:publisher="\(publisher)" asmv2:product="Microsoft Exchange eDiscovery Export Tool" xmlns="urn:schemas-microsoft-com:asm.v1" />
          <deployment install="false" trustURLParameters="true" mapFileExtensions="true">
            <deploymentProvider codebase="\(deployment)" />
          </deployment>
          <compatibleFrameworks xmlns="urn:schemas-microsoft-com:clickonce.v2">
            <framework targetVersion="4.5" profile="Full" supportedRuntime="4.0.30319" />
          </compatibleFrameworks>
          <dependency>
            <dependentAssembly dependencyType="install" codebase="\(codebase ?? "\(version)\\microsoft.exchange.ediscovery.exporttool.exe.manifest")" size="\(size)">
              <assemblyIdentity name="microsoft.exchange.ediscovery.exporttool" version="\(version)" publicKeyToken="\(token)" language="neutral" processorArchitecture="msil" type="win32" />
              <hash>
                <dsig:Transforms>
                  <dsig:Transform Algorithm="urn:schemas-microsoft-com:HashTransforms.Identity" />
                </dsig:Transforms>
                <dsig:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha256" />
                <dsig:DigestValue>\(pseudoBase64(seed: version + "digest", count: 44))</dsig:DigestValue>
              </hash>
            </dependentAssembly>
          </dependency>
          <publisherIdentity name="CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US" issuerKeyHash="\(pseudoHex(seed: version, count: 40))" />
          <Signature Id="StrongNameSignature" xmlns="http://www.w3.org/2000/09/xmldsig#">
            <SignedInfo>
              <CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#" />
              <SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha256" />
              <Reference URI="">
                <Transforms>
                  <Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature" />
                  <Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#" />
                </Transforms>
                <DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha256" />
                <DigestValue>\(pseudoBase64(seed: version + "ref", count: 44))</DigestValue>
              </Reference>
            </SignedInfo>
            <SignatureValue>\(pseudoBase64(seed: version + "sig", count: 344))</SignatureValue>
            <KeyInfo Id="StrongNameKeyInfo">
              <KeyValue><RSAKeyValue><Modulus>\(pseudoBase64(seed: version + "mod", count: 344))</Modulus><Exponent>AQAB</Exponent></RSAKeyValue></KeyValue>
              <msrel:RelData xmlns:msrel="http://schemas.microsoft.com/windows/rel/2005/reldata">
                <r:license xmlns:r="urn:mpeg:mpeg21:2003:01-REL-R-NS" xmlns:as="http://schemas.microsoft.com/windows/pki/2005/Authenticode">
                  <r:grant>
                    <as:ManifestInformation Hash="\(pseudoHex(seed: version + "mi", count: 64))" Description="" Url="">
                      <as:assemblyIdentity \(identity) />
                    </as:ManifestInformation>
                    <as:SignedBy />
                    <as:AuthenticodePublisher><as:X509SubjectName>CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US</as:X509SubjectName></as:AuthenticodePublisher>
                  </r:grant>
                </r:license>
              </msrel:RelData>
            </KeyInfo>
            <X509Data>

        """
        var certificateIndex = 0
        while xml.utf8.count < 15_900 {
            xml += "      <X509Certificate>\(pseudoBase64(seed: "\(version)cert\(certificateIndex)", count: 1_400))</X509Certificate>\n"
            certificateIndex += 1
        }
        xml += """
            </X509Data>
          </Signature>
        </asmv1:assembly>

        """
        return xml
    }

    /// IIS's 404 page.
    static let iis404 = """
    <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
    <html xmlns="http://www.w3.org/1999/xhtml">
    <head>
    <meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>
    <title>404 - File or directory not found.</title>
    </head>
    <body>
    <div id="header"><h1>Server Error</h1></div>
    <div id="content">
     <div class="content-container"><fieldset>
      <h2>404 - File or directory not found.</h2>
      <h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3>
     </fieldset></div>
    </div>
    </body>
    </html>

    """

    /// IIS's 403 page (ECP blocked from the internet).
    static let iis403 = """
    <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
    <html xmlns="http://www.w3.org/1999/xhtml">
    <head><title>403 - Forbidden: Access is denied.</title></head>
    <body><div id="header"><h1>Server Error</h1></div>
    <div id="content"><div class="content-container"><fieldset>
      <h2>403 - Forbidden: Access is denied.</h2>
      <h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3>
    </fieldset></div></div></body></html>

    """

    /// Deterministic filler that looks like base64 (not decodable to anything meaningful).
    static func pseudoBase64(seed: String, count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var generator = SeededGenerator(seed: stableHash(seed))
        // Bytes, not Characters: the simulator builds thousands of these a second.
        var bytes = (0..<max(0, count - 1)).map { _ in alphabet[Int(generator.next() % 64)] }
        bytes.append(UInt8(ascii: "="))
        return String(decoding: bytes, as: UTF8.self)
    }

    static func pseudoHex(seed: String, count: Int) -> String {
        var generator = SeededGenerator(seed: stableHash(seed))
        return generator.hex(count)
    }

    /// FNV-1a: stable across runs (Swift's `hashValue` is seeded per process).
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
