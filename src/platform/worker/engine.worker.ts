import * as Comlink from 'comlink';
import { holdLifeline } from './lifeline';
import { engine } from './engine';

holdLifeline(self);
Comlink.expose(engine);
