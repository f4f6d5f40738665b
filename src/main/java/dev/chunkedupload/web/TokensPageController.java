package dev.chunkedupload.web;

import jakarta.servlet.http.HttpServletResponse;

import dev.chunkedupload.security.token.ApiTokens;
import dev.chunkedupload.security.token.NewToken;
import dev.chunkedupload.security.token.TokenAuthentication;
import dev.chunkedupload.security.token.TokenRequestException;
import dev.chunkedupload.security.token.TokensProperties;

import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The API tokens page: create a token (its secret shown on the answer to the form and
 * never again), list and revoke the user's tokens. A new token is rendered straight into
 * the answer, not passed through a redirect, because a flash attribute would put the
 * secret into the session table.
 */
@Controller
@RequestMapping("/tokens")
class TokensPageController {

	private final ApiTokens tokens;

	private final TokensProperties properties;

	TokensPageController(ApiTokens tokens, TokensProperties properties) {
		this.tokens = tokens;
		this.properties = properties;
	}

	@GetMapping
	String page(Authentication authentication, Model model) {
		return render(owner(authentication), model);
	}

	@PostMapping
	String create(@RequestParam(defaultValue = "") String name,
			@RequestParam(name = "expires_in_days", required = false) Integer days, Authentication authentication,
			Model model, HttpServletResponse response) {
		String owner = owner(authentication);
		try {
			NewToken created = this.tokens.create(owner, name, days);
			model.addAttribute("created", created);
			response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
		}
		catch (TokenRequestException ex) {
			model.addAttribute("error", ex.getMessage());
			model.addAttribute("name", name);
		}
		return render(owner, model);
	}

	@PostMapping("/{id}/revoke")
	String revoke(@PathVariable String id, Authentication authentication, RedirectAttributes redirect) {
		try {
			this.tokens.revoke(owner(authentication), id);
			redirect.addFlashAttribute("message", "Token revoked: it no longer works.");
		}
		catch (TokenRequestException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/tokens";
	}

	private String render(String owner, Model model) {
		model.addAttribute("tokens", this.tokens.list(owner));
		model.addAttribute("maxDays", this.properties.maxDays());
		model.addAttribute("defaultDays", this.properties.defaultDays());
		model.addAttribute("maxNameLength", ApiTokens.MAX_NAME_LENGTH);
		return "tokens";
	}

	/** As the API: tokens are managed with the password or a session, never a token. */
	private static String owner(Authentication authentication) {
		if (authentication instanceof TokenAuthentication) {
			throw new AccessDeniedException("Tokens are managed in a logged-in session, not with a token");
		}
		return authentication.getName();
	}

}
