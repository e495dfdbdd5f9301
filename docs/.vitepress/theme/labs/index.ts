/** The live labs, each a Vue component a lesson places by its tag (`<StompConsoleLab />`). */
import type { App } from 'vue';
import AcksLab from './AcksLab.vue';
import ConflationLab from './ConflationLab.vue';
import ConnectingLab from './ConnectingLab.vue';
import HandshakeLab from './HandshakeLab.vue';
import HeartbeatLab from './HeartbeatLab.vue';
import NetcodeLab from './NetcodeLab.vue';
import ReconnectLab from './ReconnectLab.vue';
import ScalingLab from './ScalingLab.vue';
import StompConsoleLab from './StompConsoleLab.vue';
import TransactionLab from './TransactionLab.vue';

export function registerLabs(app: App): void {
  app.component('StompConsoleLab', StompConsoleLab);
  app.component('HeartbeatLab', HeartbeatLab);
  app.component('TransactionLab', TransactionLab);
  app.component('NetcodeLab', NetcodeLab);
  app.component('AcksLab', AcksLab);
  app.component('HandshakeLab', HandshakeLab);
  app.component('ReconnectLab', ReconnectLab);
  app.component('ConnectingLab', ConnectingLab);
  app.component('ConflationLab', ConflationLab);
  app.component('ScalingLab', ScalingLab);
}
