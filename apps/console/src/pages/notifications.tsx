import { PageHeader } from '../ui/page';

export default function NotificationsPage() {
  return <PageHeader title="Notifications" />;
}
