/** The history feature's state layer: what the app shell uses. */
export { startHistoryAutosave, useHistory } from './appHistory';
