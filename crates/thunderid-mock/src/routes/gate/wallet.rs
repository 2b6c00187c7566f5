//! The OpenID4VP step (OpenID4VPVerifyExecutor waiting for the wallet): the `openid4vpWalletUri`
//! as a link that opens the wallet on this device and as text to copy into a wallet elsewhere (no
//! QR code: the mock draws none), and, under the page's CSP nonce, a script that polls the flow
//! every few seconds by pressing the step's action, as the gate's page does while it waits.

use thunderid_protocol::flow::FlowData;
use thunderid_protocol::flow::execute::additional_data;

use super::markup::escape;

/// Seconds between polls.
const POLL_SECONDS: u32 = 3;

/// The wallet link's markup, when the step carries one; the script only with a nonce.
pub(super) fn wallet_link(data: &FlowData, nonce: &str) -> Option<String> {
    let uri = data
        .additional_data
        .get(additional_data::OPENID4VP_WALLET_URI)?;
    let mut out = format!(
        "<div class=\"tid-field\"><a id=\"tid-wallet\" class=\"tid-button tid-primary\" href=\"{0}\">\
         Open your wallet</a></div>\n\
         <div class=\"tid-field\"><span class=\"tid-label\">Or copy this link into your wallet</span>\
         <output id=\"tid-wallet-uri\">{0}</output></div>\n",
        escape(uri)
    );
    if !nonce.is_empty() {
        out.push_str(&format!(
            "<script nonce=\"{}\">setTimeout(function(){{\
             var b=document.querySelector('#tid-form button[name=\"action\"]');if(b)b.click();\
             }},{});</script>\n",
            escape(nonce),
            POLL_SECONDS * 1000
        ));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wallet_link_is_escaped_and_polls_only_under_a_nonce() {
        let data: FlowData = serde_json::from_value(serde_json::json!({
            "additionalData": {"openid4vpWalletUri": "openid4vp://?client_id=a&request_uri=b"}
        }))
        .unwrap();
        let html = wallet_link(&data, "n1").unwrap();
        assert!(html.starts_with("<div class=\"tid-field\"><a id=\"tid-wallet\" class=\"tid-button tid-primary\" href=\"openid4vp://?client_id=a&amp;request_uri=b\">"), "{html}");
        assert!(html.ends_with("<script nonce=\"n1\">setTimeout(function(){var b=document.querySelector('#tid-form button[name=\"action\"]');if(b)b.click();},3000);</script>\n"), "{html}");
        assert_eq!(
            wallet_link(&data, "").unwrap().matches("<script").count(),
            0
        );
        assert_eq!(wallet_link(&FlowData::default(), "n1"), None);
    }
}
