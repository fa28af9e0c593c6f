// Whether the Settings → Team screen is open (`#/settings/team`; docs/team.md). Kept apart from the
// session and labeling routers: those return null / the session list for hashes they do not know.
export const TEAM_HASH = '#/settings/team';

export function isTeamHash(hash: string): boolean {
  return hash.replace(/\?.*$/, '') === TEAM_HASH;
}

class TeamRoute {
  open = $state(isTeamHash(window.location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.open = isTeamHash(window.location.hash);
    });
  }
}

export const teamRoute = new TeamRoute();
