import { useLocation, useSearchParams } from 'react-router-dom';
import { parseMomentMs } from './speechView.js';

/**
 * The moment the address points at (`?t=` ms into the call's audio), and the navigation it came with:
 * following the same moment's link twice is two navigations, so the player seeks again.
 */
export function useMoment(): { momentMs: number | null; navigationKey: string } {
  const [searchParams] = useSearchParams();
  const location = useLocation();
  return { momentMs: parseMomentMs(searchParams.get('t')), navigationKey: location.key };
}
