import * as Comlink from 'comlink';
import { holdLifeline } from './lifeline';
import { stats } from './stats';

holdLifeline(self);
Comlink.expose(stats);
