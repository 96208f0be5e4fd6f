// The toast channel: any component can announce an outcome without knowing where toasts render.
import { createContext, useContext } from 'react';
import type { ToastMessage } from '../booking/bookingMessage';

export type PushToast = (message: ToastMessage) => void;

export const ToastContext = createContext<PushToast>(() => {
  // Outside a provider (unit tests of components) toasts go nowhere on purpose.
});

export function useToast(): PushToast {
  return useContext(ToastContext);
}
